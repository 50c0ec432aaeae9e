package dev.jspec.cli;

import java.io.PrintWriter;
import java.io.Writer;

/**
 * The training run of the launcher's second AOT cache, the one for the commands that act on
 * a container that exists (state, start, kill, delete, ...). An AOT cache records one JVM,
 * and the commands an engine sends after {@code create} are several, so this JVM runs them
 * one after the other, as {@link Main} would, on a container the launcher has just created:
 * {@code java -cp jspec.jar dev.jspec.cli.LightTraining ROOT ID}. Everything they print is
 * dropped; what counts is which classes they load and link.
 *
 * <p>A cache of its own for these commands because a JDK 25 AOT cache loads every class it
 * holds when the JVM starts: the cache trained on a {@code run} holds the schema validator,
 * the planner and the executors, which a {@code state} would load and never use.
 */
public final class LightTraining {

    private LightTraining() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: LightTraining ROOT ID");
            System.exit(2);
        }
        String root = args[0];
        String id = args[1];
        String[][] cycle = {
            {"state", id},
            {"kill", id, "0"},
            {"start", id},
            {"state", id},
            {"kill", id, "KILL"},
            {"delete", "--force", id},
            {"state", id},
        };
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter(), true);
        for (String[] command : cycle) {
            String[] line = new String[command.length + 2];
            line[0] = "--root";
            line[1] = root;
            System.arraycopy(command, 0, line, 2, command.length);
            Main.execute(nowhere, nowhere, line);
        }
        System.exit(0);
    }
}
