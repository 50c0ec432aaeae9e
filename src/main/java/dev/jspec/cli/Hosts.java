package dev.jspec.cli;

import dev.jspec.cgroup.CgroupLayoutProbe;
import dev.jspec.exec.InitCommand;
import dev.jspec.exec.InitFiles;
import dev.jspec.exec.LsmProbe;
import dev.jspec.plan.HostFacts;
import java.util.List;

/** The facts about the machine jspec runs on, read once per command. */
final class Hosts {

    private Hosts() {}

    static HostFacts current() {
        List<String> init = InitCommand.argv();
        return HostFacts.of(CgroupLayoutProbe.detect(), init).withLsms(LsmProbe.detect()).withInitFiles(InitFiles.of(init));
    }
}
