package dev.jspec.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.jspec.spec.LoadedBundle;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every example config and example bundle, planned for a fixed host (these machines'
 * hybrid cgroups) and a fixed bundle path, compared with {@code
 * src/test/resources/golden/NAME.plan}. A change to the planner shows up as a readable diff
 * of the plans; {@code -Djspec.updateGolden=true} rewrites them after a deliberate change.
 */
class GoldenPlanTest {

    private static final boolean UPDATE = Boolean.getBoolean("jspec.updateGolden");

    @TestFactory
    Stream<DynamicTest> examplesPlanAsRecorded() throws IOException {
        Path project = Bundles.projectDir();
        List<Source> sources = new ArrayList<>();
        sources.addAll(list(project.resolve("examples"), "*.yaml", p -> p.getFileName().toString().replaceFirst("\\.yaml$", "")));
        try (DirectoryStream<Path> dirs = directoryStream(project.resolve("bundles"))) {
            for (Path dir : dirs) {
                if (Files.isRegularFile(dir.resolve("config.yaml"))) {
                    sources.add(new Source("bundle-" + dir.getFileName(), dir));
                }
            }
        }
        assumeFalse(sources.isEmpty(), "no example configs in this checkout");
        return sources.stream().sorted((a, b) -> a.name().compareTo(b.name()))
                .map(s -> DynamicTest.dynamicTest(s.name(), () -> check(project, s)));
    }

    private record Source(String name, Path path) {}

    /**
     * A bundle's config in a scratch bundle with an empty root filesystem: a fresh clone has
     * no assembled rootfs, and the plan does not depend on what is in it.
     */
    private static Path staged(Path source) throws IOException {
        if (!Files.isDirectory(source)) {
            return source;
        }
        Path dir = Files.createTempDirectory("jspec-golden");
        Files.createDirectory(dir.resolve("rootfs"));
        Files.copy(source.resolve("config.yaml"), dir.resolve("config.yaml"));
        dir.toFile().deleteOnExit();
        dir.resolve("rootfs").toFile().deleteOnExit();
        dir.resolve("config.yaml").toFile().deleteOnExit();
        return dir;
    }

    /** The plan as {@code jspec plan} prints it, with nothing from the machine that runs the test. */
    static String render(String name, dev.jspec.spec.Spec spec) {
        String bundleDir = "/bundles/" + name;
        PlanContext ctx = new PlanContext(name, bundleDir, SpecFixture.HYBRID.withInitFiles(SpecFixture.INIT_FILES));
        Planner.Planned planned = Planner.planWithNotes(spec, ctx);
        return "jspec plan for bundle " + bundleDir + " (id " + name + "), cgroups: " + PlanText.cgroupLayout(ctx.host()) + "\n"
                + PlanText.render(planned.plan(), planned.notes());
    }

    private static void check(Path project, Source source) throws IOException {
        LoadedBundle loaded = Bundles.loadOrFail(staged(source.path()));
        String actual = render(source.name(), loaded.spec());
        Path golden = project.resolve("src/test/resources/golden").resolve(source.name() + ".plan");
        if (UPDATE) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual);
            return;
        }
        if (!Files.exists(golden)) {
            throw new AssertionError("no golden plan " + project.relativize(golden)
                    + "; record it with -Djspec.updateGolden=true and review it before committing");
        }
        assertEquals(Files.readString(golden), actual, "plan of " + source.path() + " differs from " + golden
                + " (rerun with -Djspec.updateGolden=true if the change is intended)");
    }

    private static List<Source> list(Path dir, String glob, java.util.function.Function<Path, String> name) throws IOException {
        List<Source> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, glob)) {
            files.forEach(p -> out.add(new Source(name.apply(p), p)));
        }
        return out;
    }

    @SuppressWarnings("StreamResourceLeak") // the caller closes it
    private static DirectoryStream<Path> directoryStream(Path dir) throws IOException {
        return Files.isDirectory(dir) ? Files.newDirectoryStream(dir, Files::isDirectory) : new DirectoryStream<>() {
            @Override
            public java.util.Iterator<Path> iterator() {
                return java.util.Collections.emptyIterator();
            }

            @Override
            public void close() {}
        };
    }
}
