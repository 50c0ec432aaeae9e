package dev.jspec.spec;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import dev.jspec.spec.SourceMap.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a config tree against {@code schemas/config.schema.json} and turns each failure
 * into a {@link Diagnostic} a person can act on: located at the key or value they wrote,
 * phrased in the spec's words, with a suggestion when a name is misspelt.
 */
public final class SchemaValidator {

    /** The schema's place on the class path (the build copies {@code schemas/} into the jar). */
    public static final String SCHEMA_RESOURCE = "schemas/config.schema.json";

    static {
        // networknt logs through SLF4J, and with no binding on the class path SLF4J prints a
        // three-line warning to stderr on every run. It then drops log calls anyway (no-op).
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
    }

    /** OCI fields jspec knows of but does not implement; naming them is better than "unknown key". */
    private static final Map<String, String> UNSUPPORTED = Map.ofEntries(
            Map.entry("process.scheduler", "is an OCI runtime-spec field jspec does not support yet"),
            Map.entry("process.ioPriority", "is an OCI runtime-spec field jspec does not support yet"),
            Map.entry("process.execCPUAffinity", "is an OCI runtime-spec field jspec does not support yet"),
            Map.entry("process.commandLine", "is for Windows containers; jspec runs Linux containers"),
            Map.entry("linux.intelRdt", "is an OCI runtime-spec field jspec does not support yet"),
            Map.entry("linux.memoryPolicy", "is an OCI runtime-spec field jspec does not support yet"),
            Map.entry("linux.netDevices", "is an OCI runtime-spec field jspec does not support yet"),
            Map.entry("linux.resources.rdma", "is an OCI runtime-spec field jspec does not support yet"),
            Map.entry("windows", "configures a Windows container; jspec runs Linux containers"),
            Map.entry("solaris", "configures a Solaris container; jspec runs Linux containers"),
            Map.entry("freebsd", "configures a FreeBSD jail; jspec runs Linux containers"),
            Map.entry("vm", "configures a virtual-machine runtime; jspec runs Linux containers"),
            Map.entry("zos", "configures a z/OS container; jspec runs Linux containers"));

    /** What an enum's values are, by field, so "bogus" is "not a namespace type" rather than "not in the enumeration". */
    private static final Map<String, String> ENUM_NOUNS = Map.ofEntries(
            Map.entry("linux.namespaces[].type", "a namespace type"),
            Map.entry("process.rlimits[].type", "an rlimit type"),
            Map.entry("process.capabilities.bounding[]", "a capability"),
            Map.entry("process.capabilities.effective[]", "a capability"),
            Map.entry("process.capabilities.inheritable[]", "a capability"),
            Map.entry("process.capabilities.permitted[]", "a capability"),
            Map.entry("process.capabilities.ambient[]", "a capability"),
            Map.entry("linux.devices[].type", "a device type"),
            Map.entry("linux.resources.devices[].type", "a device rule type"),
            Map.entry("linux.seccomp.defaultAction", "a seccomp action"),
            Map.entry("linux.seccomp.syscalls[].action", "a seccomp action"),
            Map.entry("linux.seccomp.architectures[]", "a seccomp architecture"),
            Map.entry("linux.seccomp.flags[]", "a seccomp filter flag"),
            Map.entry("linux.seccomp.syscalls[].args[].op", "a seccomp comparison operator"),
            Map.entry("linux.rootfsPropagation", "a mount propagation"),
            Map.entry("linux.personality.domain", "a personality domain"));

    /** Longer enums are not listed in full; a suggestion and where to look serve better. */
    private static final int LISTED_ENUM_MAX = 10;

    private static final SchemaValidator INSTANCE = new SchemaValidator();

    private final JsonNode schemaDocument;
    private final Schema schema;

    private SchemaValidator() {
        try (InputStream in = SchemaValidator.class.getClassLoader().getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + SCHEMA_RESOURCE + "; rebuild it");
            }
            schemaDocument = JsonMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schemaDocument);
    }

    public static SchemaValidator get() {
        return INSTANCE;
    }

    /** The schema itself, for tools that show it ({@code jspec spec --schema}, editors). */
    public JsonNode schemaDocument() {
        return schemaDocument;
    }

    /** Every schema violation in {@code parsed}, located; empty when the tree conforms. */
    public List<Diagnostic> validate(ConfigReader.Parsed parsed) {
        return validate(parsed.tree(), parsed.sourceMap(), parsed.file(), parsed.leadingZeroIntegers());
    }

    /**
     * A key the schema does not know, in an object it does: {@code strict} is the error
     * `jspec validate` reports, {@code warning} the same, located, for a runtime that
     * ignores it (runtime-spec: runtimes MUST NOT fail on an unknown property); the key
     * sits in the object at {@code owner}.
     */
    public record UnknownKey(Diagnostic strict, Diagnostic warning, SpecPath owner, String key) {}

    /** The violations of {@code parsed} apart from its unknown keys, and those keys. */
    public record Split(List<Diagnostic> problems, List<UnknownKey> unknownKeys) {}

    /**
     * As {@link #validate(ConfigReader.Parsed)}, with the unknown keys apart. The fields
     * jspec knows of and refuses (process.scheduler, windows, ...) stay problems: a config
     * that asks for them does not get them silently dropped.
     */
    public Split validateSplit(ConfigReader.Parsed parsed) {
        List<UnknownKey> unknown = new ArrayList<>();
        List<Diagnostic> all = validate(parsed.tree(), parsed.sourceMap(), parsed.file(), parsed.leadingZeroIntegers(), unknown);
        List<Diagnostic> problems = new ArrayList<>(all);
        unknown.forEach(u -> problems.remove(u.strict()));
        return new Split(problems, unknown);
    }

    List<Diagnostic> validate(ConfigNode tree, SourceMap sourceMap, String file, Set<String> leadingZeroIntegers) {
        return validate(tree, sourceMap, file, leadingZeroIntegers, new ArrayList<>());
    }

    private List<Diagnostic> validate(ConfigNode tree, SourceMap sourceMap, String file, Set<String> leadingZeroIntegers,
            List<UnknownKey> unknownKeys) {
        List<Error> errors = schema.validate(JacksonTree.of(tree));
        List<Diagnostic> out = new ArrayList<>();
        Map<String, List<Error>> alternatives = new LinkedHashMap<>();
        for (Error error : errors) {
            String evaluation = error.getEvaluationPath().toString();
            int branch = lastAlternative(evaluation);
            if (branch >= 0) {
                // Keyed by where the anyOf sits in the schema and which value it checked.
                alternatives.computeIfAbsent(evaluation.substring(0, branch) + " @ " + error.getInstanceLocation(),
                        k -> new ArrayList<>()).add(error);
            } else {
                Translation t = new Translation(error, sourceMap, file, leadingZeroIntegers);
                Diagnostic d = t.diagnostic();
                out.add(d);
                UnknownKey u = t.unknownKey(d);
                if (u != null) {
                    unknownKeys.add(u);
                }
            }
        }
        for (List<Error> group : alternatives.values()) {
            out.addAll(pickAlternative(group, sourceMap, file, leadingZeroIntegers));
        }
        return out;
    }

    /** Index in an evaluation path just past the last {@code anyOf}/{@code oneOf}, or -1. */
    private static int lastAlternative(String evaluation) {
        int any = evaluation.lastIndexOf("/anyOf/");
        int one = evaluation.lastIndexOf("/oneOf/");
        int at = Math.max(any, one);
        return at < 0 ? -1 : at + "/anyOf".length();
    }

    /**
     * When no branch of an anyOf/oneOf matched, report the branch the value was evidently
     * meant for (the one whose type it has), or else one line naming what was expected.
     */
    private List<Diagnostic> pickAlternative(List<Error> group, SourceMap sourceMap, String file, Set<String> zeros) {
        Map<String, List<Error>> byBranch = new TreeMap<>();
        for (Error e : group) {
            String evaluation = e.getEvaluationPath().toString();
            int cut = lastAlternative(evaluation);
            String rest = evaluation.substring(cut + 1);
            String branch = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
            byBranch.computeIfAbsent(branch, k -> new ArrayList<>()).add(e);
        }
        List<Error> typed = byBranch.values().stream()
                .filter(errors -> errors.stream().noneMatch(e -> "type".equals(e.getKeyword())))
                .min((a, b) -> Integer.compare(a.size(), b.size()))
                .orElse(null);
        if (typed != null) {
            return typed.stream().map(e -> new Translation(e, sourceMap, file, zeros).diagnostic()).toList();
        }
        Error first = group.getFirst();
        Translation t = new Translation(first, sourceMap, file, zeros);
        JsonNode alternativesOwner = schemaAt(first.getSchemaLocation().getFragment(), "anyOf", "oneOf");
        String expected = alternativesOwner != null && alternativesOwner.has("description")
                ? lowerFirst(alternativesOwner.get("description").stringValue()).replaceAll("\\.$", "")
                : group.stream().filter(e -> "type".equals(e.getKeyword()))
                        .map(e -> article(String.valueOf(e.getArguments()[1])))
                        .distinct().collect(Collectors.joining(" or "));
        return List.of(t.at(t.valueLocation(), t.show() + " is " + article(jsonType(first.getInstanceNode())) + "; expected " + expected));
    }

    /** The schema node that holds the one of {@code keywords} nearest the end of {@code fragment}. */
    private JsonNode schemaAt(NodePath fragment, String... keywords) {
        int cut = -1;
        for (int i = fragment.getNameCount() - 1; i >= 0 && cut < 0; i--) {
            for (String k : keywords) {
                if (k.equals(String.valueOf(fragment.getElement(i)))) {
                    cut = i;
                }
            }
        }
        return cut < 0 ? null : schemaPrefix(fragment, cut);
    }

    /** The schema node at the first {@code count} segments of {@code fragment}. */
    private JsonNode schemaPrefix(NodePath fragment, int count) {
        JsonNode node = schemaDocument;
        for (int i = 0; i < count && node != null; i++) {
            Object segment = fragment.getElement(i);
            node = segment instanceof Integer n ? node.get(n) : node.get(String.valueOf(segment));
        }
        return node;
    }

    /** One networknt error, rewritten for a person. */
    private final class Translation {
        private final Error error;
        private final SpecPath path;
        private final SourceMap sourceMap;
        private final String file;
        private final Set<String> zeros;

        Translation(Error error, SourceMap sourceMap, String file, Set<String> zeros) {
            this.error = error;
            this.path = toSpecPath(error.getInstanceLocation());
            this.sourceMap = sourceMap;
            this.file = file;
            this.zeros = zeros;
        }

        Diagnostic diagnostic() {
            Object[] args = error.getArguments() == null ? new Object[0] : error.getArguments();
            String keyword = error.getKeyword() == null ? "" : error.getKeyword();
            return switch (keyword) {
                case "additionalProperties" -> unknownKey(error.getProperty());
                case "required" -> at(keyLocation(), "missing required field '" + error.getProperty() + "'");
                case "type" -> at(valueLocation(), typeMessage(String.valueOf(args[1])));
                case "enum" -> at(valueLocation(), enumMessage());
                case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" -> at(valueLocation(), rangeMessage(keyword));
                case "minItems" -> at(valueLocation(), name() + " needs at least " + plural(args[0], "item"));
                case "maxItems" -> at(valueLocation(), name() + " takes at most " + plural(args[0], "item"));
                case "minLength" -> at(valueLocation(), name() + " must not be empty");
                case "pattern" -> at(valueLocation(), patternMessage());
                default -> at(valueLocation(), name() + ": " + error.getMessage());
            };
        }

        /** The {@link UnknownKey} {@code d} reports, or null when it reports something else (a refused field too). */
        UnknownKey unknownKey(Diagnostic d) {
            String key = error.getProperty();
            if (!"additionalProperties".equals(error.getKeyword()) || key == null || UNSUPPORTED.containsKey(path.key(key).toString())
                    || error.getInstanceNode() == null || !error.getInstanceNode().isObject()) {
                return null;
            }
            String prefix = "unknown key '" + key + "'";
            String tail = d.message().substring(prefix.length());
            // The suggestion stays; the list of what the object takes is for `jspec validate`.
            String warning = prefix + " ignored, as the OCI runtime-spec has runtimes do" + (tail.startsWith("; did you mean") ? tail : "");
            return new UnknownKey(d, new Diagnostic(d.file(), d.line(), d.column(), d.jsonPath(), "warning: " + warning),
                    path, key);
        }

        private Diagnostic unknownKey(String key) {
            SpecPath keyPath = path.key(key);
            Location where = sourceMap.keyAt(keyPath);
            String unsupported = UNSUPPORTED.get(keyPath.toString());
            if (unsupported != null) {
                return new Diagnostic(file, where.line(), where.column(), keyPath.toString(), "'" + key + "' " + unsupported);
            }
            JsonNode owner = schemaPrefix(error.getSchemaLocation().getFragment(), error.getSchemaLocation().getFragment().getNameCount() - 1);
            Collection<String> known = owner != null && owner.has("properties") ? owner.get("properties").propertyNames() : List.of();
            String suggestion = Suggestions.closest(key, known);
            String message = "unknown key '" + key + "'" + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?");
            if (suggestion == null && !known.isEmpty() && known.size() <= 12) {
                message += "; " + (path.isRoot() ? "the top level" : path.toString()) + " takes " + String.join(", ", known);
            }
            return new Diagnostic(file, where.line(), where.column(), keyPath.toString(), message);
        }

        private String typeMessage(String expected) {
            JsonNode value = error.getInstanceNode();
            String message = value == null || value.isNull()
                    ? name() + " has no value (null); it must be " + article(expected)
                    : show() + " is " + article(jsonType(value)) + "; " + name() + " must be " + article(expected);
            if ("boolean".equals(expected) && value != null && value.isString()
                    && Set.of("yes", "no", "on", "off", "y", "n").contains(value.stringValue().toLowerCase(Locale.ROOT))) {
                message += " (YAML 1.2 reads " + value.stringValue() + " as a string: write true or false)";
            }
            return message;
        }

        private String enumMessage() {
            JsonNode allowed = error.getSchemaNode();
            List<String> values = new ArrayList<>();
            if (allowed != null) {
                allowed.forEach(v -> values.add(v.isString() ? v.stringValue() : v.toString()));
            }
            String noun = ENUM_NOUNS.getOrDefault(pattern(path), "a valid value for " + name());
            String message = show() + " is not " + noun;
            String raw = error.getInstanceNode() != null && error.getInstanceNode().isString() ? error.getInstanceNode().stringValue() : null;
            String suggestion = raw == null ? null : Suggestions.closest(raw, values);
            if (suggestion != null) {
                message += "; did you mean '" + suggestion + "'?";
            } else if (values.size() <= LISTED_ENUM_MAX) {
                message += "; expected one of " + String.join(", ", values);
            } else {
                message += "; expected one of " + String.join(", ", values.subList(0, 3)) + ", ... (" + values.size()
                        + " names, see schemas/config.schema.json)";
            }
            return message;
        }

        private String rangeMessage(String keyword) {
            JsonNode owner = schemaPrefix(error.getSchemaLocation().getFragment(), error.getSchemaLocation().getFragment().getNameCount() - 1);
            String min = owner != null && owner.has("minimum") ? owner.get("minimum").toString() : null;
            String max = owner != null && owner.has("maximum") ? owner.get("maximum").toString() : null;
            String message;
            if (min != null && max != null) {
                message = show() + " is out of range; " + name() + " must be between " + min + " and " + max;
            } else if (keyword.contains("inimum")) {
                message = show() + " is too small; " + name() + " must be at least " + error.getSchemaNode();
            } else {
                message = show() + " is too large; " + name() + " must be at most " + error.getSchemaNode();
            }
            if (zeros.contains(path.pointer())) {
                message += " (YAML 1.2 reads a leading 0 as decimal; write octal as 0o" + error.getInstanceNode().toString().replaceFirst("^0+", "") + ")";
            }
            return message;
        }

        private String patternMessage() {
            JsonNode owner = schemaPrefix(error.getSchemaLocation().getFragment(), error.getSchemaLocation().getFragment().getNameCount() - 1);
            String form = owner != null && owner.has("description")
                    ? lowerFirst(owner.get("description").stringValue()).replaceAll("\\.$", "")
                    : "text matching " + error.getSchemaNode().stringValue();
            return show() + " is not a valid " + name() + "; expected " + form;
        }

        /** The field's own name, as the spec calls it: {@code oomScoreAdj}, or the path for array items. */
        private String name() {
            String key = path.lastKey();
            return key != null ? key : path.isRoot() ? "the config" : path.toString();
        }

        String show() {
            JsonNode value = error.getInstanceNode();
            if (value == null || value.isNull()) {
                return "null";
            }
            String text = value.isString() ? "\"" + value.stringValue() + "\"" : value.toString();
            return text.length() > 40 ? text.substring(0, 37) + "..." : text;
        }

        Location valueLocation() {
            return sourceMap.valueAt(path);
        }

        /** A required field is missing from an object: point at the key that names the object. */
        private Location keyLocation() {
            return sourceMap.keyAt(path);
        }

        Diagnostic at(Location location, String message) {
            return new Diagnostic(file, location.line(), location.column(), path.toString(), message);
        }
    }

    static SpecPath toSpecPath(NodePath nodePath) {
        SpecPath path = SpecPath.ROOT;
        for (int i = 0; i < nodePath.getNameCount(); i++) {
            Object segment = nodePath.getElement(i);
            path = segment instanceof Integer n ? path.index(n) : path.key(String.valueOf(segment));
        }
        return path;
    }

    /** {@code process.rlimits[3].type} to {@code process.rlimits[].type}: the field, whichever element. */
    static String pattern(SpecPath path) {
        return path.toString().replaceAll("\\[[0-9]+\\]", "[]");
    }

    static String jsonType(JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        } else if (value.isString()) {
            return "string";
        } else if (value.isBoolean()) {
            return "boolean";
        } else if (value.isIntegralNumber()) {
            return "integer";
        } else if (value.isNumber()) {
            return "number";
        } else if (value.isArray()) {
            return "array";
        }
        return "object";
    }

    private static String article(String type) {
        return switch (type) {
            case "null" -> "null";
            case "integer", "array", "object" -> "an " + type;
            case "string" -> "a string";
            default -> "a " + type;
        };
    }

    private static String plural(Object count, String noun) {
        return count + " " + noun + ("1".equals(String.valueOf(count)) ? "" : "s");
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
