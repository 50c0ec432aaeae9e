package dev.jspec.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.util.Json;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every Step type, taken from the sealed interface's permitted subclasses, is written and
 * read by {@link StepFields} (no reflection), exactly as the reflective codec did: a new
 * Step without its lines there fails here.
 */
class StepFieldsTest {

    /** An instance of {@code type} with a distinct, non-default value in every field. */
    private static Step sample(Class<?> type, int seed) throws ReflectiveOperationException {
        RecordComponent[] rcs = type.getRecordComponents();
        Class<?>[] types = new Class<?>[rcs.length];
        Object[] args = new Object[rcs.length];
        for (int i = 0; i < rcs.length; i++) {
            types[i] = rcs[i].getType();
            args[i] = value(rcs[i].getGenericType(), seed + i);
        }
        return (Step) type.getDeclaredConstructor(types).newInstance(args);
    }

    private static Object value(Type t, int seed) {
        if (t == String.class) {
            return "v" + seed + " \"q\"\\\n\u00e9";
        }
        if (t == boolean.class) {
            return true;
        }
        if (t == int.class) {
            return -100 - seed;
        }
        if (t == long.class) {
            return 1L << 40 | seed;
        }
        if (t instanceof ParameterizedType pt && pt.getRawType() == List.class) {
            Type item = pt.getActualTypeArguments()[0];
            return List.of(value(item, seed), value(item, seed + 1));
        }
        if (t == Long.class) {
            return (long) seed + 7;
        }
        throw new AssertionError("a Step field of a type the codec does not know: " + t);
    }

    /** The reflective encoding the plan JSON has always had: fields in record order. */
    private static String reflective(Step step) throws ReflectiveOperationException {
        StringBuilder b = new StringBuilder();
        for (RecordComponent rc : step.getClass().getRecordComponents()) {
            b.append(",\"").append(rc.getName()).append("\":");
            Object v = rc.getAccessor().invoke(step);
            appendValue(b, v);
        }
        return b.toString();
    }

    private static void appendValue(StringBuilder b, Object v) {
        if (v instanceof String s) {
            Json.writeString(b, s);
        } else if (v instanceof List<?> list) {
            b.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                appendValue(b, list.get(i));
            }
            b.append(']');
        } else {
            b.append(v);
        }
    }

    @Test
    void everyStepTypeIsWrittenAndReadWithoutReflection() throws Exception {
        Class<?>[] types = Step.class.getPermittedSubclasses();
        assertTrue(types.length > 40, "permitted subclasses: " + types.length);
        for (Class<?> type : types) {
            Step step = sample(type, 3);
            StringBuilder written = new StringBuilder();
            assertTrue(StepFields.write(step, new StepFields.Out(written)),
                    type.getSimpleName() + " has no lines in StepFields.write");
            assertEquals(reflective(step), written.toString(), type.getSimpleName() + ": JSON differs from the record's");
            Map<?, ?> fields = (Map<?, ?>) Json.parse("{\"call\":\"" + type.getSimpleName() + "\"" + written + "}");
            Step read = StepFields.read(type.getSimpleName(), fields);
            assertNotNull(read, type.getSimpleName() + " has no line in StepFields.read");
            assertEquals(step, read, type.getSimpleName() + " does not survive StepFields both ways");
        }
    }

    @Test
    void everyStepTypeSurvivesThePlanCodec() throws Exception {
        List<Plan.Entry> entries = new java.util.ArrayList<>();
        int seed = 0;
        for (Class<?> type : Step.class.getPermittedSubclasses()) {
            entries.add(new Plan.Entry(seed % 2 == 0 ? Actor.PARENT : Actor.INIT, sample(type, seed++)));
        }
        Plan plan = new Plan(entries);
        assertEquals(plan, PlanCodec.fromJson(PlanCodec.toJson(plan)));
    }
}
