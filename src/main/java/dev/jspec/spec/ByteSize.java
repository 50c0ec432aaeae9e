package dev.jspec.spec;

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
        // In BigInteger, not BigDecimal: a config's sizes are read on every start, and BigDecimal's
        // class initializer alone is tens of milliseconds of a cold JVM (see ConfigNode).
        String number = m.group(1);
        int dot = number.indexOf('.');
        int scale = dot < 0 ? 0 : number.length() - dot - 1;
        BigInteger digits = new BigInteger(dot < 0 ? number : number.substring(0, dot) + number.substring(dot + 1));
        String unit = m.group(2) == null ? "" : m.group(2);
        BigInteger multiplier = switch (unit) {
            case "" -> BigInteger.ONE;
            case "k", "K" -> BigInteger.TEN.pow(3);
            case "M" -> BigInteger.TEN.pow(6);
            case "G" -> BigInteger.TEN.pow(9);
            case "T" -> BigInteger.TEN.pow(12);
            case "Ki" -> BigInteger.ONE.shiftLeft(10);
            case "Mi" -> BigInteger.ONE.shiftLeft(20);
            case "Gi" -> BigInteger.ONE.shiftLeft(30);
            case "Ti" -> BigInteger.ONE.shiftLeft(40);
            default -> throw new IllegalStateException(unit);
        };
        BigInteger[] bytes = digits.multiply(multiplier).divideAndRemainder(BigInteger.TEN.pow(scale));
        if (bytes[1].signum() != 0) {
            // The fraction's digits, zero-padded to the scale, trailing zeros dropped: 1.5Ki is 1536, 1.0001k is 1000.1.
            String fraction = bytes[1].toString();
            fraction = "0".repeat(scale - fraction.length()) + fraction;
            fraction = fraction.replaceAll("0+$", "");
            throw new IllegalArgumentException("\"" + text + "\" is " + bytes[0] + "." + fraction
                    + " bytes; a size must come to a whole number of bytes");
        }
        return bytes[0];
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
