package dev.jspec.cli;

import dev.jspec.cgroup.CgroupLayoutProbe;
import dev.jspec.exec.InitCommand;
import dev.jspec.exec.LsmProbe;
import dev.jspec.plan.HostFacts;

/** The facts about the machine jspec runs on, read once per command. */
final class Hosts {

    private Hosts() {}

    static HostFacts current() {
        return CgroupLayoutProbe.detect().hostFacts(InitCommand.argv()).withLsms(LsmProbe.detect());
    }
}
