package dev.jspec.seccomp;

import dev.jspec.lifecycle.ContainerState;
import dev.jspec.plan.PlanCodec;
import dev.jspec.plan.Step;

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
        StringBuilder b = new StringBuilder("{\"ociVersion\":").append(PlanCodec.quote(ContainerState.OCI_VERSION));
        b.append(",\"fds\":[").append(PlanCodec.quote(SECCOMP_FD)).append("],\"pid\":").append(pid);
        if (step.metadata() != null && !step.metadata().isEmpty()) {
            b.append(",\"metadata\":").append(PlanCodec.quote(step.metadata()));
        }
        b.append(",\"state\":{\"ociVersion\":").append(PlanCodec.quote(ContainerState.OCI_VERSION));
        b.append(",\"id\":").append(PlanCodec.quote(step.containerId()));
        b.append(",\"status\":\"creating\",\"pid\":").append(pid);
        b.append(",\"bundle\":").append(PlanCodec.quote(step.bundle()));
        if (!step.annotations().isEmpty()) {
            b.append(",\"annotations\":{");
            for (int i = 0; i + 1 < step.annotations().size(); i += 2) {
                b.append(i == 0 ? "" : ",").append(PlanCodec.quote(step.annotations().get(i))).append(':')
                        .append(PlanCodec.quote(step.annotations().get(i + 1)));
            }
            b.append('}');
        }
        return b.append("}}").toString();
    }
}
