package dev.jspec.cgroup;

/** How a host mounts cgroups: v1 hierarchies only, v1 beside a cgroup2 mount, or cgroup2 alone. */
public enum CgroupLayout { V1, HYBRID, V2 }
