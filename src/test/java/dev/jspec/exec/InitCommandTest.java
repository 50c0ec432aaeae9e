package dev.jspec.exec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class InitCommandTest {

    @Test
    void theInitCannotBeAttachedTo() {
        List<String> argv = InitCommand.argv();
        // A JVM flag: before the class name, or the init would take it for an argument.
        int main = argv.indexOf("dev.jspec.init.InitMain");
        int flag = argv.indexOf("-XX:+DisableAttachMechanism");
        assertTrue(flag > 0 && flag < main, argv.toString());
    }

    @Test
    void theInitsMainClassExists() throws Exception {
        // Named by a string (the executors may not import the init), so a rename must fail here.
        assertTrue(java.lang.reflect.Modifier.isStatic(
                Class.forName(InitCommand.INIT_MAIN).getMethod("main", String[].class).getModifiers()));
    }
}
