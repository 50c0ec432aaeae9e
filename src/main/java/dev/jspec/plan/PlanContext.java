package dev.jspec.plan;

/**
 * Everything besides the Spec that decides a plan.
 *
 * @param containerId the container's ID (names the default cgroup, {@code /jspec/<id>})
 * @param bundleDir the bundle's absolute path; relative {@code root.path} and bind sources resolve against it
 */
public record PlanContext(String containerId, String bundleDir, HostFacts host) {}
