package dev.jspec.spec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jspec.cgroup.CgroupLayout;
import dev.jspec.plan.HostFacts;
import dev.jspec.plan.Plan;
import dev.jspec.plan.PlanCodec;
import dev.jspec.plan.PlanContext;
import dev.jspec.plan.Planner;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Many configs made by breaking the valid examples at random (seeded, so a failure is
 * reproducible). Whatever the input, the loader either binds a Spec or reports diagnostics
 * that all point into the file; it never throws anything else.
 */
class GeneratedConfigTest {

    private static final long SEED = 0x6a73706563L;
    private static final int TREE_MUTANTS = 1500;
    private static final int TEXT_MUTANTS = 800;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final String[] ODD_STRINGS = {"", "bogus", "CAP_SYS_ADMN", "RLIMIT_NOFILES", "SCMP_ACT_KILL_ALL", "64Mi",
        "1.5Gi", "0x10", "relative/path", "/abs", "yes", "\u00e9t\u00e9", "-1", "pid", "c"};

    @Test
    void mutatedTreesEitherBindOrFailWithLocatedDiagnostics() throws Exception {
        Random random = new Random(SEED);
        List<JsonNode> seeds = seeds();
        int valid = 0;
        for (int i = 0; i < TREE_MUTANTS; i++) {
            JsonNode tree = seeds.get(random.nextInt(seeds.size())).deepCopy();
            for (int m = 1 + random.nextInt(3); m > 0; m--) {
                mutate(tree, random);
            }
            // Pretty JSON is YAML too, and gives each value its own line to be located on.
            String text = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
            valid += check(text, "tree mutant " + i) ? 1 : 0;
        }
        assertTrue(valid > 0 && valid < TREE_MUTANTS, "mutations should break some configs and spare others: " + valid);
    }

    @Test
    void mutatedTextEitherBindsOrFailsWithLocatedDiagnostics() throws Exception {
        Random random = new Random(SEED + 1);
        List<String> texts = new ArrayList<>();
        try (var files = Files.list(Configs.EXAMPLES)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                texts.add(Files.readString(p));
            }
        }
        String[] inserts = {":", "- ", "&a ", "*a", "{", "]", "\t", "\"", "'", "---\n", "? ", "!!binary ", "#", "\n  x: 1\n", "%YAML 1.2\n"};
        for (int i = 0; i < TEXT_MUTANTS; i++) {
            StringBuilder text = new StringBuilder(texts.get(random.nextInt(texts.size())));
            for (int m = 1 + random.nextInt(3); m > 0; m--) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.insert(at, inserts[random.nextInt(inserts.length)]);
                    case 1 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(12)));
                    default -> text.setCharAt(at, (char) (' ' + random.nextInt(95)));
                }
            }
            check(text.toString(), "text mutant " + i);
        }
    }

    private static final List<HostFacts> HOSTS = List.of(
            new HostFacts(CgroupLayout.HYBRID,
                    Map.of("memory", "/sys/fs/cgroup/memory", "cpu", "/sys/fs/cgroup/cpu", "pids", "/sys/fs/cgroup/pids",
                            "cpuset", "/sys/fs/cgroup/cpuset", "devices", "/sys/fs/cgroup/devices", "blkio", "/sys/fs/cgroup/blkio"),
                    "/sys/fs/cgroup/unified", List.of("/usr/bin/java", "Init")),
            new HostFacts(CgroupLayout.V2, Map.of(), "/sys/fs/cgroup", List.of("/usr/bin/java", "Init")));

    /** True when the config bound; false when it failed properly; fails the test otherwise. */
    private static boolean check(String text, String name) {
        try {
            Spec spec = BundleLoader.check(ConfigReader.parse(text.getBytes(StandardCharsets.UTF_8), "gen.yaml"), Configs.EXAMPLES);
            assertNotNull(spec);
            // Every config that validates must plan, on each cgroup layout, without throwing.
            for (HostFacts host : HOSTS) {
                Plan plan = Planner.plan(spec, new PlanContext("gen", "/bundles/gen", host));
                assertNotNull(PlanCodec.fromJson(PlanCodec.toJson(plan)), name);
            }
            return true;
        } catch (ConfigException e) {
            assertFalse(e.diagnostics().isEmpty(), name);
            for (Diagnostic d : e.diagnostics()) {
                if (d.line() < 1 || d.column() < 1 || d.message() == null || d.message().isBlank() || !"gen.yaml".equals(d.file())) {
                    fail(name + " gave an unlocated diagnostic " + d + " for:\n" + text);
                }
            }
            return false;
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError(name + " threw instead of reporting, for:\n" + text, e);
        }
    }

    private static List<JsonNode> seeds() throws Exception {
        List<JsonNode> seeds = new ArrayList<>();
        try (var files = Files.list(Configs.EXAMPLES)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".json")).sorted().toList()) {
                seeds.add(JacksonTree.of(ConfigReader.read(p, p.toString()).tree()));
            }
        }
        return seeds;
    }

    private static void mutate(JsonNode tree, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(tree, containers);
        JsonNode target = containers.get(random.nextInt(containers.size()));
        switch (target) {
            case ObjectNode object when !object.isEmpty() && random.nextInt(4) > 0 -> {
                List<String> keys = new ArrayList<>(object.propertyNames());
                String key = keys.get(random.nextInt(keys.size()));
                switch (random.nextInt(4)) {
                    case 0 -> object.remove(key);
                    case 1 -> object.set(key, oddValue(random));
                    case 2 -> object.set(key + (random.nextBoolean() ? "s" : "x"), oddValue(random));
                    default -> object.set(key, JSON.stringNode(ODD_STRINGS[random.nextInt(ODD_STRINGS.length)]));
                }
            }
            case ObjectNode object -> object.set("unknownKey" + random.nextInt(3), oddValue(random));
            case ArrayNode array when !array.isEmpty() -> {
                int i = random.nextInt(array.size());
                switch (random.nextInt(3)) {
                    case 0 -> array.remove(i);
                    case 1 -> array.set(i, oddValue(random));
                    default -> array.add(array.get(i).deepCopy());
                }
            }
            case ArrayNode array -> array.add(oddValue(random));
            default -> {}
        }
    }

    private static JsonNode oddValue(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> JSON.stringNode(ODD_STRINGS[random.nextInt(ODD_STRINGS.length)]);
            case 1 -> JSON.numberNode(new BigInteger("18446744073709551616"));
            case 2 -> JSON.numberNode(-1L);
            case 3 -> JSON.numberNode(random.nextLong());
            case 4 -> JSON.booleanNode(random.nextBoolean());
            case 5 -> JSON.nullNode();
            case 6 -> JSON.arrayNode().add("x");
            case 7 -> JSON.objectNode().put("type", "bogus");
            case 8 -> JSON.numberNode(1.5);
            case 9 -> JSON.numberNode(random.nextInt(2000) - 1000L);
            case 10 -> JSON.arrayNode();
            default -> JSON.objectNode();
        };
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainer()) {
            out.add(node);
            node.forEach(child -> collect(child, out));
        }
    }
}
