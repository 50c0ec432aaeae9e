package dev.jspec.plan;

import dev.jspec.util.Json;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans as JSON, both ways. The same text is what {@code jspec plan --format json} prints and
 * what the parent hands to the init over a pipe, so the init needs no JSON library: it loads
 * only this class, the step records and JNA.
 *
 * <p>Shape: {@code {"steps":[{"n":1,"actor":"PARENT","call":"Unshare","types":["pid"]}, ...]}}.
 */
public final class PlanCodec {

    /** Step types by name, for the reflective path (a type {@link StepFields} lacks); built on first use. */
    private static final class StepTypes {
        static final Map<String, Class<?>> BY_NAME = new HashMap<>();

        static {
            for (Class<?> c : Step.class.getPermittedSubclasses()) {
                BY_NAME.put(c.getSimpleName(), c);
            }
        }
    }

    private PlanCodec() {}

    public static String toJson(Plan plan) {
        StringBuilder out = new StringBuilder("{\"steps\":[");
        int n = 0;
        for (Plan.Entry e : plan.entries()) {
            if (n > 0) {
                out.append(',');
            }
            n++;
            out.append("\n  {\"n\":").append(n).append(",\"actor\":\"").append(e.actor())
                    .append("\",\"call\":\"").append(e.step().getClass().getSimpleName()).append('"');
            if (!StepFields.write(e.step(), new StepFields.Out(out))) {
                for (RecordComponent rc : e.step().getClass().getRecordComponents()) {
                    out.append(",\"").append(rc.getName()).append("\":");
                    writeValue(out, read(rc, e.step()));
                }
            }
            out.append('}');
        }
        return out.append("\n]}\n").toString();
    }

    public static Plan fromJson(String json) {
        Object root = Json.parse(json);
        if (!(root instanceof Map<?, ?> top) || !(top.get("steps") instanceof List<?> steps)) {
            throw new IllegalArgumentException("not a plan: expected {\"steps\": [...]}");
        }
        List<Plan.Entry> entries = new ArrayList<>();
        for (Object o : steps) {
            Map<?, ?> m = (Map<?, ?>) o;
            Step step = m.get("call") instanceof String call ? StepFields.read(call, m) : null;
            if (step == null) {
                Class<?> type = StepTypes.BY_NAME.get((String) m.get("call"));
                if (type == null) {
                    throw new IllegalArgumentException("unknown step: " + m.get("call"));
                }
                step = (Step) construct(type, m);
            }
            entries.add(new Plan.Entry(Actor.valueOf((String) m.get("actor")), step));
        }
        return new Plan(entries);
    }

    private static Object read(RecordComponent rc, Object record) {
        try {
            return rc.getAccessor().invoke(record);
        } catch (ReflectiveOperationException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static Object construct(Class<?> type, Map<?, ?> fields) {
        RecordComponent[] rcs = type.getRecordComponents();
        Class<?>[] types = new Class<?>[rcs.length];
        Object[] args = new Object[rcs.length];
        for (int i = 0; i < rcs.length; i++) {
            types[i] = rcs[i].getType();
            args[i] = convert(fields.get(rcs[i].getName()), rcs[i].getGenericType());
        }
        try {
            Constructor<?> c = type.getDeclaredConstructor(types);
            return c.newInstance(args);
        } catch (ReflectiveOperationException ex) {
            throw new IllegalArgumentException("cannot build " + type.getSimpleName() + ": " + ex, ex);
        }
    }

    static Object convert(Object v, Type target) {
        if (target instanceof ParameterizedType pt && pt.getRawType() == List.class) {
            if (v == null) {
                return List.of();
            }
            List<Object> out = new ArrayList<>();
            for (Object item : (List<?>) v) {
                out.add(convert(item, pt.getActualTypeArguments()[0]));
            }
            return List.copyOf(out);
        }
        if (target == int.class || target == Integer.class) {
            return v == null ? (target == int.class ? (Object) 0 : null) : (Object) (int) ((Number) v).longValue();
        }
        if (target == long.class || target == Long.class) {
            return v == null ? (target == long.class ? (Object) 0L : null) : (Object) ((Number) v).longValue();
        }
        if (target == boolean.class || target == Boolean.class) {
            return v == null ? (target == boolean.class ? false : null) : v;
        }
        if (target == String.class) {
            return v;
        }
        throw new IllegalArgumentException("unsupported field type in a step: " + target);
    }

    private static void writeValue(StringBuilder out, Object v) {
        switch (v) {
            case null -> out.append("null");
            case String s -> Json.writeString(out, s);
            case Number num -> out.append(num);
            case Boolean b -> out.append(b);
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    writeValue(out, list.get(i));
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("unsupported value in a step: " + v.getClass());
        }
    }
}
