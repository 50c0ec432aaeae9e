package dev.jspec.plan;

/**
 * Everything besides the Spec that decides a plan.
 *
 * @param containerId the container's ID (names the default cgroup, {@code /jspec/<id>})
 * @param bundleDir the bundle's absolute path; relative {@code root.path} and bind sources resolve against it
 * @param preserveFds how many of the caller's descriptors from 3 on the program gets (runc's {@code --preserve-fds})
 * @param execFifo for `jspec create`: the FIFO the init waits on until `jspec start`; null
 *     when the same jspec starts the program right away (`run`)
 */
public record PlanContext(String containerId, String bundleDir, HostFacts host, int preserveFds, String execFifo) {

    public PlanContext(String containerId, String bundleDir, HostFacts host) {
        this(containerId, bundleDir, host, 0, null);
    }

    public PlanContext(String containerId, String bundleDir, HostFacts host, int preserveFds) {
        this(containerId, bundleDir, host, preserveFds, null);
    }
}
