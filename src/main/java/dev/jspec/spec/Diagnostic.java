package dev.jspec.spec;

/**
 * One problem found in a config, located in the file. {@code line} and {@code column} are
 * 1-based; {@code jsonPath} is the spec path of the offending value, such as
 * {@code process.rlimits[0].type} ({@code ""} for the document itself).
 */
public record Diagnostic(String file, int line, int column, String jsonPath, String message) {

    /**
     * {@code FILE:LINE:COLUMN: message (at json.path)}, the form editors jump to. (A builder, not
     * '+': a cold start would spin classes for each new shape of concatenation.)
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(file).append(':').append(line).append(':').append(column).append(": ")
                .append(message);
        if (jsonPath != null && !jsonPath.isEmpty()) {
            sb.append(" (at ").append(jsonPath).append(')');
        }
        return sb.toString();
    }
}
