package dev.jspec.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.cgroup.CgroupLayout;
import dev.jspec.plan.HostFacts;
import dev.jspec.plan.PlanContext;
import dev.jspec.plan.Planner;
import dev.jspec.plan.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarningsTest {

    @Test
    void anAmbientCapabilityThatIsNotInheritableIsAWarningAndIsNotRaised(@TempDir Path bundle) throws Exception {
        Files.createDirectory(bundle.resolve("rootfs"));
        // runc's own default config (runc spec) has exactly this shape.
        Files.writeString(bundle.resolve("config.yaml"), """
                ociVersion: 1.2.0
                root: {path: rootfs}
                process:
                  args: [sh]
                  cwd: /
                  capabilities:
                    permitted: [CAP_KILL, CAP_CHOWN]
                    inheritable: [CAP_CHOWN]
                    ambient: [CAP_KILL, CAP_CHOWN]
                linux: {namespaces: [{type: mount}]}
                """);
        LoadedBundle loaded = BundleLoader.load(bundle);
        assertEquals(1, loaded.warnings().size());
        Diagnostic w = loaded.warnings().get(0);
        assertEquals(9, w.line());
        assertEquals(15, w.column());
        assertTrue(w.toString().contains("warning: ambient capability CAP_KILL is not inheritable"), w.toString());

        HostFacts host = new HostFacts(CgroupLayout.V2, Map.of(), "/sys/fs/cgroup", List.of("/java"));
        List<Step> steps = Planner.plan(loaded.spec(), new PlanContext("w", bundle.toString(), host)).entries().stream()
                .map(e -> e.step()).toList();
        assertTrue(steps.contains(new Step.AmbientRaise(List.of("CAP_CHOWN"))), steps.toString());
    }
}
