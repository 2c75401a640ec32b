// SPDX-License-Identifier: Apache-2.0
package isola.solaris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isola.api.IsolationException;
import isola.api.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zone state machine against the recording fake: plans, idempotence, undo after a failure at each step, the sweep. */
class SolarisZoneTest {
    @TempDir
    Path tmp;
    private FakeZonesHost host;
    private ZoneAdmin admin;
    private Path records;
    private String base;

    @BeforeEach
    void setUp() throws IOException {
        host = new FakeZonesHost();
        admin = new ZoneAdmin(host);
        records = Files.createDirectories(tmp.resolve("run/zones"));
        base = Files.createDirectories(tmp.resolve("zones")).toString();
    }

    private SolarisZone zone(String id) {
        SandboxSpec spec = SandboxSpec.builder().id(id).hostname("box").build();
        String z = ZoneNames.zone(id);
        ZoneConfig c = ZonePlanner.zone(spec, ZonecfgScriptTest.OMNIOS, "sparse", base + "/" + z, ZoneNetwork.NONE);
        ZonePlanner.Template t = ZonePlanner.template("sparse", ZoneConfig.IpType.EXCLUSIVE, base);
        return new SolarisZone(admin, host, ZoneRecord.acquire(records, z), z, c, null, t, records, ZoneNetworkSetup.NOTHING, "box");
    }

    private String tpl() {
        return ZonePlanner.template("sparse", ZoneConfig.IpType.EXCLUSIVE, base).name();
    }

    @Test
    void theFirstSandboxInstallsTheTemplateTheNextOnesOnlyClone() throws IOException {
        List<String> progress = new ArrayList<>();
        SolarisZone a = zone("a");
        a.create((step, done, total) -> progress.add(done + "/" + total + " " + step));
        String t = tpl();
        assertEquals(List.of(
                "/usr/sbin/zonecfg -z isola-a -f " + records + "/isola-a.zonecfg",
                "/usr/sbin/zonecfg -z " + t + " -f " + records + "/" + t + ".zonecfg",
                "/usr/sbin/zoneadm -z " + t + " install",
                "/usr/sbin/zoneadm -z isola-a clone " + t,
                "/usr/sbin/zoneadm -z isola-a boot"), host.actions());
        assertEquals(List.of("0/3 configuring zone isola-a",
                "1/4 installing template zone " + t + " (brand sparse; minutes, once per configuration)",
                "1/3 cloning " + t + " into isola-a", "2/3 booting zone isola-a"), progress);
        assertEquals("box\n", Files.readString(Path.of(base, "isola-a", "root", "etc", "nodename")));
        assertTrue(host.configs.get("isola-a").contains("set autoboot=false\n"));
        assertFalse(Files.exists(records.resolve("isola-a.zonecfg")), "the command file is removed");

        host.log.clear();
        zone("b").create((s, d, n) -> { });
        assertEquals(List.of(
                "/usr/sbin/zonecfg -z isola-b -f " + records + "/isola-b.zonecfg",
                "/usr/sbin/zoneadm -z isola-b clone " + t,
                "/usr/sbin/zoneadm -z isola-b boot"), host.actions());

        host.log.clear();
        a.destroy();
        assertEquals(List.of("/usr/sbin/zoneadm -z isola-a halt", "/usr/sbin/zoneadm -z isola-a uninstall -F",
                "/usr/sbin/zonecfg -z isola-a delete -F"), host.actions());
        assertFalse(Files.exists(records.resolve("isola-a")), "the record is removed");
        assertEquals("installed", host.zones.get(t)[0], "the template stays: it is the cache");
        host.log.clear();
        a.destroy();
        assertEquals(List.of(), host.actions(), "destroy is idempotent");
    }

    @Test
    void aFailureAtEachStepUndoesWhatWasDoneInReverse() {
        String t = tpl();
        // the failing command, and what runs after it: the undo plan
        List<List<String>> cases = List.of(
                List.of("/usr/sbin/zonecfg -z isola-f -f",
                        // nothing was configured: nothing to delete (the state query says so)
                        "/usr/sbin/zonecfg -z isola-f -f"),
                List.of("/usr/sbin/zoneadm -z " + t + " install",
                        "/usr/sbin/zoneadm -z " + t + " install",
                        "/usr/sbin/zonecfg -z " + t + " delete -F",
                        "/usr/sbin/zonecfg -z isola-f delete -F"),
                List.of("/usr/sbin/zoneadm -z isola-f clone",
                        "/usr/sbin/zoneadm -z isola-f clone " + t,
                        "/usr/sbin/zonecfg -z isola-f delete -F"),
                List.of("/usr/sbin/zoneadm -z isola-f boot",
                        "/usr/sbin/zoneadm -z isola-f boot",
                        "/usr/sbin/zoneadm -z isola-f uninstall -F",
                        "/usr/sbin/zonecfg -z isola-f delete -F"));
        for (List<String> c : cases) {
            setUpQuietly();
            host.failOn(c.get(0));
            SolarisZone z = zone("f");
            IsolationException e = assertThrows(IsolationException.class, () -> z.create((s, d, n) -> { }));
            assertTrue(e.getMessage().endsWith("exit status 1: injected failure"), e.getMessage());
            List<String> actions = host.actions();
            int at = indexOfPrefix(actions, c.get(0));
            List<String> after = actions.subList(at, actions.size()).stream()
                    .map(l -> l.startsWith("/usr/sbin/zonecfg -z isola-f -f") ? "/usr/sbin/zonecfg -z isola-f -f" : l).toList();
            assertEquals(c.subList(1, c.size()), after, "failing at " + c.get(0));
            assertEquals(List.of(), host.leftovers(), "failing at " + c.get(0));
            assertFalse(Files.exists(records.resolve("isola-f")), "the record is gone after a complete undo");
            assertFalse(host.zones.containsKey(t) && !host.zones.get(t)[0].equals("installed"), "no half-made template stays");
        }
    }

    private void setUpQuietly() {
        try {
            setUp();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int indexOfPrefix(List<String> l, String prefix) {
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError(prefix + " not in " + l);
    }

    @Test
    void anIncompleteTemplateIsUninstalledAndInstalledAgain() {
        String t = tpl();
        host.zones.put(t, new String[] {"incomplete", base + "/" + t, "sparse", "exclusive"});
        zone("i").create((s, d, n) -> { });
        assertEquals(List.of(
                "/usr/sbin/zonecfg -z isola-i -f " + records + "/isola-i.zonecfg",
                "/usr/sbin/zoneadm -z " + t + " uninstall -F",
                "/usr/sbin/zoneadm -z " + t + " install",
                "/usr/sbin/zoneadm -z isola-i clone " + t,
                "/usr/sbin/zoneadm -z isola-i boot"), host.actions());
    }

    @Test
    void aSecondOwnerOfTheSameIdIsRefused() {
        zone("dup");
        IsolationException e = assertThrows(IsolationException.class, () -> zone("dup"));
        assertTrue(e.getMessage().contains("the sandbox id is in use"), e.getMessage());
    }

    @Test
    void theSweepRemovesZonesOfDeadOwnersAndZonesWithoutRecordsButKeepsLiveOnesAndTemplates() throws IOException {
        zone("live").create((s, d, n) -> { });
        zone("dead").create((s, d, n) -> { });
        // the owner of "dead" crashed: its record names a process that does not exist
        Path rec = records.resolve("isola-dead");
        List<String> lines = new ArrayList<>(Files.readAllLines(rec));
        lines.set(0, "owner 2147483646 0");
        Files.write(rec, lines);
        // a zone from before a reboot: installed, no record (the runtime directory is on tmpfs)
        host.zones.put("isola-old", new String[] {"installed", base + "/isola-old", "sparse", "exclusive"});
        host.zones.put("webserver", new String[] {"running", "/zones/webserver", "lipkg", "exclusive"});
        host.log.clear();
        List<String> removed = ZoneRecord.sweep(records, admin, host);
        assertEquals(List.of("isola-old", "isola-dead"), removed);
        assertTrue(host.zones.containsKey("isola-live"));
        assertTrue(host.zones.containsKey("webserver"), "zones isola did not make are never touched");
        assertTrue(host.zones.containsKey(tpl()));
        assertFalse(host.zones.containsKey("isola-dead"));
        assertFalse(Files.exists(rec));
        assertTrue(host.actions().containsAll(List.of("/usr/sbin/zoneadm -z isola-old uninstall -F",
                "/usr/sbin/zonecfg -z isola-old delete -F", "/usr/sbin/zoneadm -z isola-dead halt",
                "/usr/sbin/zoneadm -z isola-dead uninstall -F", "/usr/sbin/zonecfg -z isola-dead delete -F")), host.actions().toString());
        host.log.clear();
        assertEquals(List.of(), ZoneRecord.sweep(records, admin, host), "a second sweep finds nothing");
    }

    @Test
    void zoneadmListIsParsedWithEscapedColonsAndExtraFields() {
        List<ZoneEntry> z = ZoneEntry.parse("""
                0:global:running:/::ipkg:shared
                -:isola-a:installed:/zones/isola-a:4f2c1d2e-1111-2222-3333-444455556666:sparse:excl
                3:web:running:/zones/we\\:b:5a5a5a5a-0000-1111-2222-333344445555:lipkg:excl:0:extra
                -:half:incomplete:/zones/half::sparse:excl
                """);
        assertEquals(new ZoneEntry(0, "global", "running", "/", "ipkg", "shared"), z.get(0));
        assertEquals(new ZoneEntry(-1, "isola-a", "installed", "/zones/isola-a", "sparse", "excl"), z.get(1));
        assertEquals(new ZoneEntry(3, "web", "running", "/zones/we:b", "lipkg", "excl"), z.get(2));
        assertTrue(z.get(2).running() && z.get(2).up());
        assertTrue(z.get(3).installed() && !z.get(3).up());
        assertThrows(IllegalArgumentException.class, () -> ZoneEntry.parse("1:x:running\n"));
    }
}
