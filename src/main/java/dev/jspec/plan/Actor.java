package dev.jspec.plan;

/** Which process runs a step: see the process model in the README. */
public enum Actor {
    /** The jspec JVM the user started: cgroups, namespaces for the child, spawning, waiting. */
    PARENT,
    /** The container's init ({@code dev.jspec.init.InitMain}): PID 1 inside the new namespaces until it execs. */
    INIT
}
