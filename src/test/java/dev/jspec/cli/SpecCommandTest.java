package dev.jspec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.jspec.plan.Bundles;
import dev.jspec.plan.PlanContext;
import dev.jspec.plan.Planner;
import dev.jspec.plan.SpecFixture;
import dev.jspec.spec.LoadedBundle;
import dev.jspec.util.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecCommandTest {

    @Test
    void writesTheCommentedDefaultAndRefusesToOverwrite(@TempDir Path dir) throws Exception {
        assertEquals(ExitCodes.OK, Main.execute("spec", "--bundle", dir.toString()));
        String written = Files.readString(dir.resolve("config.yaml"));
        assertEquals(SpecCommand.template(SpecCommand.YAML_TEMPLATE), written);
        Files.writeString(dir.resolve("config.yaml"), "mine");
        StringWriter err = new StringWriter();
        assertEquals(ExitCodes.FAILURE, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err),
                "spec", "--bundle", dir.toString()));
        assertEquals("mine", Files.readString(dir.resolve("config.yaml")), "an existing config is never replaced");
        assertEquals("jspec spec: " + dir.resolve("config.yaml")
                + " already exists; remove it first, or write elsewhere with --bundle DIR\n", err.toString());
    }

    @Test
    void theDefaultConfigLoadsAndPlans(@TempDir Path dir) throws Exception {
        Files.createDirectory(dir.resolve("rootfs"));
        assertEquals(ExitCodes.OK, Main.execute("spec", "--bundle", dir.toString()));
        LoadedBundle loaded = Bundles.loadOrFail(dir);
        assertNotNull(loaded.spec().process());
        Planner.Planned planned = Planner.planWithNotes(loaded.spec(), new PlanContext("d", dir.toString(), SpecFixture.HYBRID));
        assertFalse(planned.plan().entries().isEmpty());
    }

    @Test
    void theJsonFormIsTheSameConfig(@TempDir Path yaml, @TempDir Path json) throws Exception {
        Files.createDirectory(yaml.resolve("rootfs"));
        Files.createDirectory(json.resolve("rootfs"));
        assertEquals(ExitCodes.OK, Main.execute("spec", "--bundle", yaml.toString()));
        assertEquals(ExitCodes.OK, Main.execute("spec", "--json", "--bundle", json.toString()));
        assertEquals(Bundles.loadOrFail(yaml).spec(), Bundles.loadOrFail(json).spec());
    }
}
