package dev.jspec.cgroup;

/**
 * One value for one cgroup file, before it is placed in a directory: {@code controller}
 * picks the v1 hierarchy (or the v2 controller to enable), {@code file} is the name in the
 * cgroup directory.
 */
public record ControllerWrite(String controller, String file, String value) {}
