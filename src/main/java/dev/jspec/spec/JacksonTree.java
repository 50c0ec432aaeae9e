package dev.jspec.spec;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@link ConfigNode} tree as Jackson's, for the schema validator (and tools that print a
 * value as JSON). Each node becomes the one Jackson's factory made when the readers built
 * Jackson trees themselves (LongNode or BigIntegerNode for an integer, DoubleNode for a
 * float), so the validator sees, and words its messages from, the same tree as before.
 */
public final class JacksonTree {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private JacksonTree() {}

    public static JsonNode of(ConfigNode node) {
        if (node instanceof ConfigNode.ObjectValue object) {
            ObjectNode out = JSON.objectNode();
            object.forEachEntry((key, value) -> out.set(key, of(value)));
            return out;
        }
        if (node instanceof ConfigNode.ArrayValue array) {
            ArrayNode out = JSON.arrayNode();
            array.forEach(value -> out.add(of(value)));
            return out;
        }
        if (node instanceof ConfigNode.Int i) {
            return i.big != null ? JSON.numberNode(i.big) : JSON.numberNode(i.value);
        }
        if (node instanceof ConfigNode.FloatNumber f) {
            return JSON.numberNode(f.value);
        }
        if (node.isString()) {
            return JSON.stringNode(node.stringValue());
        }
        if (node.isBoolean()) {
            return JSON.booleanNode(node.booleanValue());
        }
        return node.isNull() ? JSON.nullNode() : JSON.missingNode();
    }
}
