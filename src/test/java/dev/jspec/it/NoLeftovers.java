package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails any integration test after which the host differs from before it in what the tests
 * make (see {@link HostSnapshot}): the leftover check. Other software's containers may come
 * and go meanwhile.
 */
final class NoLeftovers implements BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoLeftovers.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("before", HostSnapshot.take(Jspec.STATE_ROOT));
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        HostSnapshot before = context.getStore(NS).get("before", HostSnapshot.class);
        // Teardown is synchronous in jspec; a short grace covers the kernel reaping zombies.
        List<String> diff = List.of();
        for (int i = 0; i < 20; i++) {
            diff = before.diff(HostSnapshot.take(Jspec.STATE_ROOT), Jspec.names());
            if (diff.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        }
        fail("the host changed:\n  " + String.join("\n  ", diff));
    }
}
