package dev.jspec.seccomp;

import dev.jspec.plan.Step;
import dev.jspec.spec.Spec;
import dev.jspec.util.Json;

/**
 * The "container process state" of runtime-spec's config-linux.md: what the runtime sends a
 * seccomp agent on {@code listenerPath}, together with the listener descriptor (SCM_RIGHTS,
 * named {@code seccompFd} in {@code fds}). The container is still being created.
 */
public final class ContainerProcessState {

    public static final String SECCOMP_FD = "seccompFd";

    private ContainerProcessState() {}

    /** The JSON for the container the step describes, whose init is {@code pid} on the host. */
    public static String json(Step.SeccompListener step, int pid) {
        StringBuilder b = new StringBuilder("{\"ociVersion\":").append(Json.quote(Spec.OCI_VERSION));
        b.append(",\"fds\":[").append(Json.quote(SECCOMP_FD)).append("],\"pid\":").append(pid);
        if (step.metadata() != null && !step.metadata().isEmpty()) {
            b.append(",\"metadata\":").append(Json.quote(step.metadata()));
        }
        b.append(",\"state\":{\"ociVersion\":").append(Json.quote(Spec.OCI_VERSION));
        b.append(",\"id\":").append(Json.quote(step.containerId()));
        b.append(",\"status\":\"creating\",\"pid\":").append(pid);
        b.append(",\"bundle\":").append(Json.quote(step.bundle()));
        if (!step.annotations().isEmpty()) {
            b.append(",\"annotations\":{");
            for (int i = 0; i + 1 < step.annotations().size(); i += 2) {
                b.append(i == 0 ? "" : ",").append(Json.quote(step.annotations().get(i))).append(':')
                        .append(Json.quote(step.annotations().get(i + 1)));
            }
            b.append('}');
        }
        return b.append("}}").toString();
    }
}
