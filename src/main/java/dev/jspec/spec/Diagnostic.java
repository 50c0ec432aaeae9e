package dev.jspec.spec;

/**
 * One problem found in a config, located in the file. {@code line} and {@code column} are
 * 1-based; {@code jsonPath} is the spec path of the offending value, such as
 * {@code process.rlimits[0].type} ({@code ""} for the document itself).
 */
public record Diagnostic(String file, int line, int column, String jsonPath, String message) {

    /** {@code FILE:LINE:COLUMN: message (at json.path)}, the form editors jump to. */
    @Override
    public String toString() {
        String where = file + ":" + line + ":" + column + ": ";
        return jsonPath == null || jsonPath.isEmpty() ? where + message : where + message + " (at " + jsonPath + ")";
    }
}
