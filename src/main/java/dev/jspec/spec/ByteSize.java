package dev.jspec.spec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes written with a unit, such as {@code 64Mi}, turned into bytes before the config is
 * validated. The rule, also stated in the schema's description:
 *
 * <ul>
 *   <li>{@code Ki Mi Gi Ti} are powers of 1024 (IEC): {@code 64Mi} = 67108864;
 *   <li>{@code k K M G T} are powers of 1000 (SI): {@code 512k} = 512000, {@code 1G} = 10^9;
 *   <li>the number may have a fraction, but the result must be a whole number of bytes:
 *       {@code 1.5Gi} = 1610612736, {@code 1.5} is refused;
 *   <li>a plain number is bytes, and {@code -1} (a number, not a string) stays "unlimited".
 * </ul>
 *
 * Only the fields in {@link #FIELDS} take sizes. Mount options such as tmpfs's {@code size=}
 * are handed to the kernel as written, where {@code 64m} already means 64 MiB.
 */
public final class ByteSize {

    /** The fields that hold byte counts; {@code []} stands for every element of an array. */
    static final List<String> FIELDS = List.of(
            "linux.resources.memory.limit",
            "linux.resources.memory.reservation",
            "linux.resources.memory.swap",
            "linux.resources.memory.kernel",
            "linux.resources.memory.kernelTCP",
            "linux.resources.hugepageLimits[].limit",
            "linux.resources.blockIO.throttleReadBpsDevice[].rate",
            "linux.resources.blockIO.throttleWriteBpsDevice[].rate");

    private static final Pattern SIZE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?");

    private ByteSize() {}

    /**
     * The number of bytes {@code text} names.
     *
     * @throws IllegalArgumentException with a message for the user when it is not a size
     */
    public static BigInteger parse(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a size; write a number of bytes, or a number with a unit: "
                    + "Ki Mi Gi Ti (powers of 1024) or k M G T (powers of 1000), e.g. 64Mi");
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        BigDecimal multiplier = switch (unit) {
            case "" -> BigDecimal.ONE;
            case "k", "K" -> BigDecimal.TEN.pow(3);
            case "M" -> BigDecimal.TEN.pow(6);
            case "G" -> BigDecimal.TEN.pow(9);
            case "T" -> BigDecimal.TEN.pow(12);
            case "Ki" -> BigDecimal.valueOf(1L << 10);
            case "Mi" -> BigDecimal.valueOf(1L << 20);
            case "Gi" -> BigDecimal.valueOf(1L << 30);
            case "Ti" -> BigDecimal.valueOf(1L << 40);
            default -> throw new IllegalStateException(unit);
        };
        BigDecimal bytes = number.multiply(multiplier);
        try {
            return bytes.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("\"" + text + "\" is " + bytes.stripTrailingZeros().toPlainString()
                    + " bytes; a size must come to a whole number of bytes");
        }
    }

    /**
     * Replaces every size string in the size {@link #FIELDS} of {@code tree} by its bytes, in
     * place; each string that is not a size becomes a diagnostic and stays as it was.
     */
    static void normalize(ConfigNode tree, SourceMap sourceMap, String file, List<Diagnostic> problems) {
        for (String field : FIELDS) {
            normalize(tree, SpecPath.ROOT, field.split("\\."), 0, sourceMap, file, problems);
        }
    }

    private static void normalize(ConfigNode node, SpecPath path, String[] steps, int i, SourceMap sourceMap, String file,
            List<Diagnostic> problems) {
        boolean each = steps[i].endsWith("[]");
        String key = each ? steps[i].substring(0, steps[i].length() - 2) : steps[i];
        if (!(node instanceof ConfigNode.ObjectValue object) || !object.has(key)) {
            return;
        }
        SpecPath here = path.key(key);
        ConfigNode value = object.get(key);
        if (each) {
            if (value.isArray() && i + 1 < steps.length) {
                for (int n = 0; n < value.size(); n++) {
                    normalize(value.get(n), here.index(n), steps, i + 1, sourceMap, file, problems);
                }
            }
        } else if (i + 1 < steps.length) {
            normalize(value, here, steps, i + 1, sourceMap, file, problems);
        } else if (value.isString()) {
            try {
                BigInteger bytes = parse(value.stringValue());
                object.set(key, ConfigNode.integer(bytes));
            } catch (IllegalArgumentException e) {
                SourceMap.Location at = sourceMap.valueAt(here);
                problems.add(new Diagnostic(file, at.line(), at.column(), here.toString(), e.getMessage()));
            }
        }
    }
}
