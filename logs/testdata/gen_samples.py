#!/usr/bin/env python3
"""Generates the labelled log samples in this folder.

Each sample NAME.log has a NAME.labels file with one ground-truth event id
per line. The lines imitate public log styles (HDFS, Hadoop, Spark,
Zookeeper, BGL, HPC, Thunderbird, Windows, Linux, Android, HealthApp,
Apache, Proxifier, OpenSSH, OpenStack, Mac) and ERP application server,
Java, .NET, Progress, syslog and web server logs. Run it from this folder;
the output is deterministic (fixed seed).
"""
import random

R = random.Random(20261127)


def ip():
    return "%d.%d.%d.%d" % (R.randint(10, 223), R.randint(0, 255), R.randint(0, 255), R.randint(1, 254))


def hexs(n):
    return "".join(R.choice("0123456789abcdef") for _ in range(n))


def uuid():
    return "%s-%s-%s-%s-%s" % (hexs(8), hexs(4), hexs(4), hexs(4), hexs(12))


def num(a=0, b=99999):
    return str(R.randint(a, b))


def word(choices):
    return R.choice(choices)


USERS = ["root", "admin", "test", "oracle", "guest", "cyrus", "news", "ftp", "postgres", "user1", "support", "mysql"]
HOSTS = ["ns.marryaldkfaczcz.com", "mail.example.org", "host-84-12.dyn.example.net", "www.cuhk.edu.hk", "scanner.shodan.io"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def clock():
    return "%02d:%02d:%02d" % (R.randint(0, 23), R.randint(0, 59), R.randint(0, 59))


def ms():
    return "%03d" % R.randint(0, 999)


def blk():
    return "blk_" + ("-" if R.random() < 0.5 else "") + str(R.randint(10**17, 10**19))


DATASETS = {}


def labelled(fmt, *args):
    """Formats fmt; list arguments are choices that name distinct events.
    Returns (content, label suffix)."""
    vals, suffix = [], []
    for a in args:
        if isinstance(a, list):
            v = word(a)
            suffix.append(v)
            vals.append(v)
        else:
            vals.append(a)
    return fmt % tuple(vals), "-" + "-".join(suffix)


def dataset(name, header, events, n=400):
    DATASETS[name] = (header, events, n)


# --- HDFS -----------------------------------------------------------------
dataset("hdfs", lambda comp, lvl: "0811%02d %02d%02d%02d %d %s %s: " % (R.randint(9, 11), R.randint(0, 23), R.randint(0, 59), R.randint(0, 59), R.randint(10, 9999), lvl, comp), [
    ("E1", 6, "dfs.DataNode$PacketResponder", "INFO", lambda: "PacketResponder %d for block %s terminating" % (R.randint(0, 2), blk())),
    ("E2", 5, "dfs.DataNode$PacketResponder", "INFO", lambda: "Received block %s of size %d from /%s" % (blk(), R.randint(1000, 67108864), ip())),
    ("E3", 5, "dfs.DataNode$DataXceiver", "INFO", lambda: "Receiving block %s src: /%s:%d dest: /%s:50010" % (blk(), ip(), R.randint(30000, 60000), ip())),
    ("E4", 4, "dfs.FSNamesystem", "INFO", lambda: "BLOCK* NameSystem.addStoredBlock: blockMap updated: %s:50010 is added to %s size %d" % (ip(), blk(), R.randint(1000, 67108864))),
    ("E5", 2, "dfs.FSNamesystem", "INFO", lambda: "BLOCK* NameSystem.allocateBlock: /user/root/rand%d/_temporary/_task_200811092030_0001_m_%06d_0/part-%05d. %s" % (R.randint(1, 9), R.randint(0, 999), R.randint(0, 999), blk())),
    ("E6", 2, "dfs.DataNode", "INFO", lambda: "%s:50010 Served block %s to /%s" % (ip(), blk(), ip())),
    ("E7", 1, "dfs.DataNode", "WARN", lambda: "%s:50010:Got exception while serving %s to /%s:" % (ip(), blk(), ip())),
    ("E8", 2, "dfs.FSDataset", "INFO", lambda: "Deleting block %s file /mnt/hadoop/dfs/data/current/subdir%d/%s" % (blk(), R.randint(0, 63), blk())),
    ("E9", 1, "dfs.FSNamesystem", "INFO", lambda: "BLOCK* NameSystem.delete: %s is added to invalidSet of %s:50010" % (blk(), ip())),
    ("E10", 1, "dfs.DataNode", "INFO", lambda: "%s:50010 Starting thread to transfer block %s to %s:50010" % (ip(), blk(), ip())),
    ("E11", 1, "dfs.DataNode$DataTransfer", "INFO", lambda: "%s:50010:Transmitted block %s to /%s:50010" % (ip(), blk(), ip())),
    ("E12", 1, "dfs.DataNode$PacketResponder", "INFO", lambda: "Received block %s src: /%s:%d dest: /%s:50010 of size %d" % (blk(), ip(), R.randint(30000, 60000), ip(), R.randint(1000, 67108864))),
    ("E13", 1, "dfs.DataNode$DataXceiver", "INFO", lambda: "writeBlock %s received exception java.io.IOException: Could not read from stream" % blk()),
    ("E14", 1, "dfs.DataNode$PacketResponder", "INFO", lambda: "PacketResponder %s %d Exception java.io.EOFException" % (blk(), R.randint(0, 2))),
])

# --- Hadoop ---------------------------------------------------------------
THREADS = ["main", "AsyncDispatcher event handler", "RMCommunicator Allocator", "IPC Server handler %d on 62270" % R.randint(0, 29), "eventHandlingThread", "ContainerLauncher #%d" % R.randint(0, 9)]
dataset("hadoop", lambda comp, lvl: "2015-10-%02d %s,%s %s [%s] %s: " % (R.randint(17, 19), clock(), ms(), lvl, word(THREADS), comp), [
    # Like LogHub's ground truth, each state transition is an event of its own.
    ("E1", 4, "org.apache.hadoop.mapreduce.v2.app.job.impl.TaskAttemptImpl", "INFO", lambda: labelled("attempt_1445144423722_0020_m_%06d_0 TaskAttempt Transitioned from %s to %s", R.randint(0, 9), ["NEW", "UNASSIGNED", "ASSIGNED", "RUNNING"], ["UNASSIGNED", "ASSIGNED", "RUNNING", "SUCCEEDED"])),
    ("E2", 3, "org.apache.hadoop.mapreduce.v2.app.job.impl.TaskImpl", "INFO", lambda: labelled("task_1445144423722_0020_m_%06d Task Transitioned from %s to %s", R.randint(0, 9), ["NEW", "SCHEDULED", "RUNNING"], ["SCHEDULED", "RUNNING", "SUCCEEDED"])),
    ("E3", 3, "org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator", "INFO", lambda: "Before Scheduling: PendingReds:%d ScheduledMaps:%d ScheduledReds:%d AssignedMaps:%d AssignedReds:%d CompletedMaps:%d CompletedReds:%d ContAlloc:%d ContRel:%d HostLocal:%d RackLocal:%d" % tuple(R.randint(0, 20) for _ in range(11))),
    ("E4", 2, "org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator", "INFO", lambda: "Recalculating schedule, headroom=<memory:%d, vCores:%d>" % (R.randint(0, 9999), R.randint(-10, 10))),
    ("E5", 2, "org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator", "INFO", lambda: "Reduce slow start threshold not met. completedMapsForReduceSlowstart %d" % R.randint(1, 20)),
    ("E6", 1, "org.apache.hadoop.mapreduce.v2.app.MRAppMaster", "INFO", lambda: "Created MRAppMaster for application appattempt_1445144423722_%04d_000001" % R.randint(1, 30)),
    ("E7", 1, "org.apache.hadoop.mapreduce.v2.app.MRAppMaster", "INFO", lambda: "Executing with tokens:"),
    ("E8", 2, "org.apache.hadoop.ipc.Client", "INFO", lambda: "Retrying connect to server: %s/%s:%d. Already tried %d time(s); retry policy is RetryUpToMaximumCountWithFixedSleep(maxRetries=10, sleepTime=1000 MILLISECONDS)" % (word(["msra-sa-41", "minint-fnanli5"]), ip(), R.randint(8000, 9999), R.randint(0, 9))),
    ("E9", 2, "org.apache.hadoop.mapreduce.v2.app.rm.RMContainerRequestor", "INFO", lambda: "getResources() for application_1445144423722_0020: ask=%d release= %d newContainers=%d finishedContainers=%d resourcelimit=<memory:%d, vCores:%d> knownNMs=%d" % tuple(R.randint(0, 9) for _ in range(7))),
    ("E10", 1, "org.apache.hadoop.mapred.TaskAttemptListenerImpl", "INFO", lambda: "Progress of TaskAttempt attempt_1445144423722_0020_m_%06d_0 is : %s" % (R.randint(0, 9), R.random())),
    ("E11", 1, "org.apache.hadoop.hdfs.LeaseRenewer", "WARN", lambda: "Failed to renew lease for [DFSClient_NONMAPREDUCE_%d_1] for %d seconds.  Will retry shortly ..." % (R.randint(10**8, 10**9), R.randint(1, 600))),
    ("E12", 1, "org.apache.hadoop.mapreduce.v2.app.job.impl.JobImpl", "INFO", lambda: "Num completed Tasks: %d" % R.randint(1, 20)),
])

# --- Spark ----------------------------------------------------------------
dataset("spark", lambda comp, lvl: "17/06/%02d %s %s %s: " % (R.randint(8, 9), clock(), lvl, comp), [
    ("E1", 5, "storage.BlockManager", "INFO", lambda: "Found block rdd_%d_%d locally" % (R.randint(0, 50), R.randint(0, 50))),
    ("E2", 4, "executor.Executor", "INFO", lambda: "Running task %d.0 in stage %d.0 (TID %d)" % (R.randint(0, 99), R.randint(0, 30), R.randint(0, 9999))),
    ("E3", 4, "executor.Executor", "INFO", lambda: "Finished task %d.0 in stage %d.0 (TID %d). %d bytes result sent to driver" % (R.randint(0, 99), R.randint(0, 30), R.randint(0, 9999), R.randint(800, 3000))),
    ("E4", 3, "executor.CoarseGrainedExecutorBackend", "INFO", lambda: "Got assigned task %d" % R.randint(0, 9999)),
    ("E5", 2, "broadcast.TorrentBroadcast", "INFO", lambda: "Started reading broadcast variable %d" % R.randint(0, 99)),
    ("E6", 2, "storage.MemoryStore", "INFO", lambda: "Block broadcast_%d_piece0 stored as bytes in memory (estimated size %.1f KB, free %.1f KB)" % (R.randint(0, 99), R.random() * 30, R.random() * 9000)),
    ("E7", 2, "storage.MemoryStore", "INFO", lambda: "Block broadcast_%d stored as values in memory (estimated size %.1f KB, free %.1f KB)" % (R.randint(0, 99), R.random() * 30, R.random() * 9000)),
    ("E8", 2, "broadcast.TorrentBroadcast", "INFO", lambda: "Reading broadcast variable %d took %d ms" % (R.randint(0, 99), R.randint(1, 300))),
    ("E9", 1, "spark.CacheManager", "INFO", lambda: "Partition rdd_%d_%d not found, computing it" % (R.randint(0, 50), R.randint(0, 50))),
    ("E10", 1, "executor.CoarseGrainedExecutorBackend", "INFO", lambda: "Registered signal handlers for [TERM, HUP, INT]"),
    ("E11", 1, "spark.SecurityManager", "INFO", lambda: "Changing view acls to: yarn,%s" % word(["curi", "hadoop", "spark"])),
    ("E12", 1, "util.Utils", "INFO", lambda: "Successfully started service 'org.apache.spark.network.netty.NettyBlockTransferService' on port %d." % R.randint(30000, 60000)),
    ("E13", 1, "storage.BlockManager", "INFO", lambda: "Removing RDD %d" % R.randint(0, 99)),
])

# --- Zookeeper ------------------------------------------------------------
ZK_THREADS = ["QuorumPeer[myid=%d]/0:0:0:0:0:0:0:0:2181" % R.randint(1, 3), "NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181", "WorkerSender[myid=%d]" % R.randint(1, 3), "SyncThread:%d" % R.randint(1, 3)]
dataset("zookeeper", lambda comp, lvl: "2015-07-%02d %s,%s - %-5s [%s:%s] - " % (R.randint(29, 31), clock(), ms(), lvl, word(ZK_THREADS), comp), [
    ("E1", 5, "NIOServerCnxn@1001", "INFO", lambda: "Closed socket connection for client /%s:%d which had sessionid 0x%s" % (ip(), R.randint(30000, 60000), hexs(15))),
    ("E2", 5, "NIOServerCnxnFactory@197", "INFO", lambda: "Accepted socket connection from /%s:%d" % (ip(), R.randint(30000, 60000))),
    ("E3", 3, "ZooKeeperServer@839", "INFO", lambda: "Client attempting to establish new session at /%s:%d" % (ip(), R.randint(30000, 60000))),
    ("E4", 3, "ZooKeeperServer@595", "INFO", lambda: "Established session 0x%s with negotiated timeout %d for client /%s:%d" % (hexs(15), R.choice([10000, 20000, 40000]), ip(), R.randint(30000, 60000))),
    ("E5", 2, "FastLeaderElection@774", "INFO", lambda: "Notification time out: %d" % R.choice([200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000])),
    ("E6", 2, "QuorumCnxManager@368", "WARN", lambda: "Cannot open channel to %d at election address /%s:3888" % (R.randint(1, 3), ip())),
    ("E7", 2, "NIOServerCnxn@349", "WARN", lambda: "caught end of stream exception"),
    ("E8", 1, "FastLeaderElection@542", "INFO", lambda: "Notification: %d (n.leader), 0x%s (n.zxid), 0x%d (n.round), %s (n.state), %d (n.sid), 0x%d (n.peerEPoch), %s (my state)" % (R.randint(1, 3), hexs(9), R.randint(1, 9), word(["LOOKING", "FOLLOWING", "LEADING"]), R.randint(1, 3), R.randint(1, 9), word(["LOOKING", "FOLLOWING"]))),
    ("E9", 1, "QuorumPeer@670", "INFO", lambda: "LOOKING"),
    ("E10", 1, "Learner@107", "WARN", lambda: "Unexpected exception, tries=%d, connecting to /%s:2888" % (R.randint(0, 4), ip())),
    ("E11", 1, "NIOServerCnxn@1001", "INFO", lambda: "Closed socket connection for client /%s:%d (no session established for client)" % (ip(), R.randint(30000, 60000))),
])

# --- BGL ------------------------------------------------------------------
def bgl_node():
    return "R%02d-M%d-N%d-%s:J%02d-U%02d" % (R.randint(0, 77), R.randint(0, 1), R.randint(0, 15), word(["C", "I"]), R.randint(2, 18), R.randint(1, 11))


def bgl_header(comp, lvl):
    t = 1117838570 + R.randint(0, 10**7)
    node = bgl_node()
    flag = "-" if lvl in ("INFO", "WARNING") else word(["-", "KERNDTLB", "APPREAD", "KERNSTOR"])
    return "%s %d 2005.06.%02d %s 2005-06-%02d-%s.%06d %s RAS %s %s " % (flag, t, R.randint(3, 30), node, R.randint(3, 30), clock().replace(":", "."), R.randint(0, 999999), node, comp, lvl)


dataset("bgl", bgl_header, [
    ("E1", 5, "KERNEL", "INFO", lambda: "instruction cache parity error corrected"),
    ("E2", 4, "KERNEL", "INFO", lambda: "generating core.%d" % R.randint(100, 9999)),
    ("E3", 4, "KERNEL", "INFO", lambda: "%d double-hummer alignment exceptions" % R.randint(1, 9999)),
    ("E4", 3, "KERNEL", "INFO", lambda: "CE sym %d, at 0x%s, mask 0x%s" % (R.randint(0, 31), hexs(8), hexs(2))),
    ("E5", 3, "APP", "FATAL", lambda: "ciod: failed to read message prefix on control stream (CioStream socket to %s:%d" % (ip(), R.randint(30000, 60000))),
    ("E6", 2, "KERNEL", "FATAL", lambda: "data TLB error interrupt"),
    ("E7", 2, "KERNEL", "INFO", lambda: "total of %d ddr error(s) detected and corrected" % R.randint(1, 30)),
    ("E8", 2, "KERNEL", "FATAL", lambda: "machine check interrupt (bit=0x%s): L2 dcache unit data parity error" % hexs(2)),
    ("E9", 1, "MMCS", "ERROR", lambda: "idoproxydb hit ASSERT condition: ASSERT expression=0 Source file=idotransportmgr.cpp Source line=%d Function=int IdoTransportMgr::SendPacket(IdoUdpMgr*, BglCtlPavTrace*)" % R.randint(1000, 1100)),
    ("E10", 2, "KERNEL", "INFO", lambda: "ddr: activating redundant bit steering: rank=%d symbol=%d" % (R.randint(0, 1), R.randint(0, 31))),
    ("E11", 1, "KERNEL", "FATAL", lambda: "rts: kernel terminated for reason %d" % R.choice([1004, 1001])),
    ("E12", 1, "DISCOVERY", "WARNING", lambda: "Node card VPD check: %s node in processor card slot %s do not match. VPD ecid %s, found %s" % (word(["U01", "U11"]), word(["J05", "J12"]), hexs(24), hexs(24))),
    ("E13", 1, "MONITOR", "FAILURE", lambda: "monitor caught java.lang.IllegalStateException: while executing CONTROL Operation"),
])

# --- HPC ------------------------------------------------------------------
def hpc_header(comp, lvl):
    return "%d node-%d %s %s %d 1 " % (R.randint(1, 500000), R.randint(1, 250), comp, lvl, 1077804742 + R.randint(0, 10**6))


dataset("hpc", hpc_header, [
    ("E1", 5, "unix.hw", "state_change.unavailable", lambda: "Component State Change: Component \\042alt0\\042 is in the unavailable state (HWID=%d)" % R.randint(1000, 5000)),
    ("E2", 4, "node", "status", lambda: "running running"),
    ("E3", 3, "action", "start", lambda: "clusterAddMember (command %d)" % R.randint(1000, 3000)),
    ("E4", 3, "action", "error", lambda: "boot (command %d) Error: couldn't connect to console" % R.randint(1000, 3000)),
    ("E5", 2, "node", "boot", lambda: "Command has completed successfully"),
    ("E6", 2, "gige.server", "ambient", lambda: "ambient=%d" % R.randint(20, 40)),
    ("E7", 2, "node", "state_change.unavailable", lambda: "Node node-%d has detected an available network connection on network %s via interface alt0" % (R.randint(1, 250), ip())),
    ("E8", 2, "switch_module", "temp", lambda: "Temperature (%dC) exceeds warning threshold" % R.randint(40, 90)),
    ("E9", 1, "boot_cmd", "new", lambda: "Targeting domains:node-D%d and nodes:node-[%d-%d] child of command %d" % (R.randint(0, 9), R.randint(0, 40), R.randint(41, 99), R.randint(1000, 3000))),
    ("E10", 1, "node", "psu", lambda: "psu failure\\ ambient=%d" % R.randint(20, 40)),
])

# --- Thunderbird ----------------------------------------------------------
def tb_header(comp, lvl):
    n = word(["dn228", "dn73", "bn646", "an716", "tbird-admin1", "en257", "dn30"])
    pid = R.randint(1000, 30000)
    return "- %d 2005.11.%02d %s Nov %d %s %s/%s %s: " % (1131566461 + R.randint(0, 10**6), R.randint(9, 12), n, R.randint(9, 12), clock(), n, n, comp.replace("PID", str(pid)))


dataset("thunderbird", tb_header, [
    ("E1", 6, "crond(pam_unix)[PID]", "", lambda: "session closed for user %s" % word(["root", "nobody", "ganglia"])),
    ("E2", 6, "crond(pam_unix)[PID]", "", lambda: "session opened for user %s by (uid=0)" % word(["root", "nobody", "ganglia"])),
    ("E3", 4, "crond[PID]", "", lambda: "(root) CMD (run-parts /etc/cron.hourly)"),
    ("E4", 2, "/apps/x86_64/system/ganglia-3.0.1/sbin/gmetad[PID]", "", lambda: "data_thread() got not answer from any [Thunderbird_%s%d] datasource" % (word(["A", "B", "C"]), R.randint(1, 9))),
    ("E5", 2, "kernel", "", lambda: "ACPI: Processor [CPU%d] (supports C1)" % R.randint(0, 3)),
    ("E6", 2, "sshd[PID]", "", lambda: "Accepted publickey for root from %s port %d ssh2" % (ip(), R.randint(30000, 60000))),
    ("E7", 2, "ntpd[PID]", "", lambda: "synchronized to %s, stratum %d" % (ip(), R.randint(1, 4))),
    ("E8", 1, "dhcpd", "", lambda: "DHCPREQUEST for %s from 00:%s:%s:%s:%s:%s via eth%d" % (ip(), hexs(2), hexs(2), hexs(2), hexs(2), hexs(2), R.randint(0, 1))),
    ("E9", 1, "kernel", "", lambda: "Losing some ticks... checking if CPU frequency changed."),
])

# --- Windows --------------------------------------------------------------
dataset("windows", lambda comp, lvl: "2016-09-%02d %s, %-21s %-6s " % (R.randint(28, 30), clock(), lvl, comp), [
    ("E1", 5, "CBS", "Info", lambda: "Loaded Servicing Stack v6.1.7601.%d with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_6.1.7601.%d_none_%s\\cbscore.dll" % (R.randint(20000, 24000), R.randint(20000, 24000), hexs(16))),
    ("E2", 4, "CSI", "Info", lambda: "%08x@2016/9/%d:%s.%d WcpInitialize (wcp.dll version 0.0.0.6) called (stack @0x%s @0x%s @0x%s)" % (R.randint(1, 999), R.randint(27, 29), clock(), R.randint(0, 999), hexs(11), hexs(11), hexs(11))),
    ("E3", 4, "CBS", "Info", lambda: "Ending TrustedInstaller initialization."),
    ("E4", 4, "CBS", "Info", lambda: "Starting the TrustedInstaller main loop."),
    ("E5", 3, "CBS", "Info", lambda: "SQM: Initializing online with Windows opt-in: False"),
    ("E6", 3, "CBS", "Info", lambda: "SQM: Cleaning up report files older than %d days." % R.randint(1, 30)),
    ("E7", 2, "CBS", "Info", lambda: "Warning: Unrecognized packageExtended attribute."),
    ("E8", 2, "CBS", "Info", lambda: "Read out cached package applicability for package: Package_for_KB%d~31bf3856ad364e35~amd64~~6.1.1.%d, ApplicableState: %d, CurrentState:%d" % (R.randint(2000000, 3999999), R.randint(0, 9), R.choice([80, 112]), R.choice([80, 112]))),
    ("E9", 2, "CBS", "Info", lambda: "Session: %d_%d initialized by client WindowsUpdateAgent." % (R.randint(30000000, 30999999), R.randint(10**9, 4 * 10**9))),
    ("E10", 1, "CBS", "Info", lambda: "Failed to internally open package. [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]"),
])

# --- Linux ----------------------------------------------------------------
def lx_header(comp, lvl):
    return "%s %2d %s combo %s: " % (word(["Jun", "Jul"]), R.randint(1, 30), clock(), comp.replace("PID", str(R.randint(1000, 30000))))


dataset("linux", lx_header, [
    ("E1", 5, "sshd(pam_unix)[PID]", "", lambda: "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=%s" % word([ip(), word(HOSTS)])),
    ("E2", 4, "sshd(pam_unix)[PID]", "", lambda: "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=%s  user=root" % ip()),
    ("E3", 4, "sshd(pam_unix)[PID]", "", lambda: "check pass; user unknown"),
    ("E4", 3, "su(pam_unix)[PID]", "", lambda: "session opened for user %s by (uid=0)" % word(["cyrus", "news", "root"])),
    ("E5", 3, "su(pam_unix)[PID]", "", lambda: "session closed for user %s" % word(["cyrus", "news", "root"])),
    ("E6", 3, "ftpd[PID]", "", lambda: "connection from %s (%s) at %s %s %2d %s %d" % (ip(), word(["", word(HOSTS)]), word(DAYS), word(MONTHS), R.randint(1, 28), clock(), 2005)),
    ("E7", 2, "logrotate", "", lambda: "ALERT exited abnormally with [1]"),
    ("E8", 2, "kernel", "", lambda: "klogd 1.4.1, log source = /proc/kmsg started."),
    ("E9", 2, "syslogd 1.4.1", "", lambda: "restart."),
    ("E10", 1, "xinetd[PID]", "", lambda: "START: ftp pid=%d from=%s" % (R.randint(1000, 30000), ip())),
    ("E11", 1, "gpm[PID]", "", lambda: "*** info [mice.c(1766)]:"),
    ("E12", 1, "cups", "", lambda: "cupsd shutdown succeeded"),
    ("E13", 1, "cups", "", lambda: "cupsd startup succeeded"),
])

# --- Android --------------------------------------------------------------
dataset("android", lambda comp, lvl: "03-17 %s.%s  %4d  %4d %s %s: " % (clock(), ms(), R.randint(1000, 3000), R.randint(1000, 30000), lvl, comp), [
    ("E1", 5, "PowerManagerService", "D", lambda: "acquire lock=%d, flags=0x1, tag=\"%s\", name=com.android.systemui, ws=null, uid=%d, pid=%d" % (R.randint(10**8, 10**9), word(["View Lock", "RILJ_ACK_WL", "*launch*"]), R.randint(1000, 11000), R.randint(1000, 30000))),
    ("E2", 5, "PowerManagerService", "D", lambda: "release:lock=%d, flg=0x0, tag=\"%s\", name=android\", ws=WorkSource{%d}, uid=%d, pid=%d" % (R.randint(10**8, 10**9), word(["RILJ_ACK_WL", "*alarm*"]), R.randint(1000, 11000), R.randint(1000, 11000), R.randint(1000, 30000))),
    ("E3", 4, "WindowManager", "D", lambda: "printFreezingDisplayLogsopening app wtoken = AppWindowToken{%s token=Token{%s ActivityRecord{%s u0 com.tencent.qt.qtl/.activity.info.NewsDetailXinwenActivity t%d}}}, allDrawn= %s, startingDisplayed =  %s, startingMoved =  false, isRelaunching =  false" % (hexs(7), hexs(7), hexs(7), R.randint(100, 999), word(["false", "true"]), word(["false", "true"]))),
    ("E4", 3, "ActivityManager", "I", lambda: "Start proc %d:com.android.%s/u0a%d for service com.android.%s/.Service" % (R.randint(1000, 30000), word(["phone", "settings", "email"]), R.randint(10, 200), word(["phone", "settings", "email"]))),
    ("E5", 3, "DisplayPowerController", "D", lambda: "Animating brightness: target=%d, rate=%d" % (R.randint(0, 255), R.randint(0, 200))),
    ("E6", 2, "ActivityManager", "I", lambda: "Killing %d:com.android.%s/u0a%d (adj %d): empty #%d" % (R.randint(1000, 30000), word(["phone", "browser"]), R.randint(10, 200), R.randint(900, 906), R.randint(17, 30))),
    ("E7", 2, "Layer", "V", lambda: "setting buffer with usage: %d" % R.randint(0, 9999)),
    ("E8", 2, "ActivityThread", "E", lambda: "Performing stop of activity that is already stopped: {com.tencent.qt.qtl/com.tencent.qt.qtl.activity.info.NewsDetailXinwenActivity}"),
    ("E9", 1, "AudioManager", "W", lambda: "getStreamVolume isRestricted mode = %d" % R.randint(0, 1)),
    ("E10", 1, "ActivityManager", "W", lambda: "Unable to start service Intent { act=com.google.android.c2dm.intent.REGISTER pkg=com.google.android.gsf } U=0: not found"),
])

# --- HealthApp ------------------------------------------------------------
dataset("healthapp", lambda comp, lvl: "201712%02d-%s:%s|%s|%d|" % (R.randint(23, 31), clock(), ms(), comp, R.randint(30002312, 30002312)), [
    ("E1", 6, "Step_LSC", "", lambda: "onStandStepChanged %d" % R.randint(100, 9999)),
    ("E2", 5, "Step_LSC", "", lambda: "onExtend:%d %d %d %d" % (R.randint(10**12, 2 * 10**12), R.randint(0, 99), R.randint(0, 9), R.randint(0, 9))),
    ("E3", 4, "Step_SPUtils", "", lambda: "getTodayTotalDetailSteps = %d##%d##%d##%d##%d##%d" % tuple(R.randint(0, 10**6) for _ in range(6))),
    ("E4", 4, "Step_StandReportReceiver", "", lambda: "onReceive action: android.intent.action.SCREEN_%s" % word(["ON", "OFF"])),
    ("E5", 3, "Step_LSC", "", lambda: "processHandleBroadcastAction action:android.intent.action.SCREEN_%s" % word(["ON", "OFF"])),
    ("E6", 3, "Step_StandStepCounter", "", lambda: "flush sensor data"),
    ("E7", 2, "HiH_HiSyncControl", "", lambda: "setTodayTotalStepsCount : %d" % R.randint(0, 20000)),
    ("E8", 2, "Step_ExtSDM", "", lambda: "calculateCaloriesWithCache totalCalories=%d" % R.randint(0, 200000)),
    ("E9", 1, "Step_LSC", "", lambda: "REPORT : %d %d %d %d" % tuple(R.randint(0, 10000) for _ in range(4))),
    ("E10", 1, "Step_ExtSDM", "", lambda: "calculateAltitudeWithCache totalAltitude=%d" % R.randint(0, 200)),
])

# --- Apache ---------------------------------------------------------------
dataset("apache", lambda comp, lvl: "[%s Dec %02d %s 2005] [%s] " % (word(DAYS), R.randint(4, 20), clock(), lvl), [
    ("E1", 5, "", "notice", lambda: "jk2_init() Found child %d in scoreboard slot %d" % (R.randint(1000, 30000), R.randint(0, 12))),
    ("E2", 5, "", "notice", lambda: "workerEnv.init() ok /etc/httpd/conf/workers2.properties"),
    ("E3", 4, "", "error", lambda: "mod_jk child workerEnv in error state %d" % R.randint(6, 9)),
    ("E4", 2, "", "error", lambda: "[client %s] Directory index forbidden by rule: /var/www/html/" % ip()),
    ("E5", 2, "", "error", lambda: "jk2_init() Can't find child %d in scoreboard" % R.randint(1000, 30000)),
    ("E6", 1, "", "error", lambda: "mod_jk child init %d %d" % (R.randint(1, 2), R.randint(-2, 0))),
    ("E7", 1, "", "error", lambda: "[client %s] File does not exist: /var/www/html/%s" % (ip(), word(["robots.txt", "favicon.ico", "scripts/setup.php"]))),
])

# --- Proxifier ------------------------------------------------------------
PROGS = ["chrome.exe", "firefox.exe", "WeChat.exe *64", "YodaoDict.exe", "qq.exe", "Dropbox.exe", "git-remote-https.exe *64"]


def proxy():
    return word(["proxy.cse.cuhk.edu.hk:5070", "proxy.cse.cuhk.edu.hk:5070", "%s:443" % ip()])


def lifetime():
    return word(["<1 sec", "00:0%d" % R.randint(1, 9), "01:%02d" % R.randint(0, 59)])


def kb():
    return "%.2f KB" % (R.random() * 900)


dataset("proxifier", lambda comp, lvl: "[%d.%d %s] %s - " % (R.randint(10, 12), R.randint(10, 30), clock(), word(PROGS)), [
    ("E1", 6, "", "", lambda: "%s close, %d bytes sent, %d bytes received, lifetime %s" % (proxy(), R.randint(0, 1023), R.randint(0, 1023), lifetime())),
    ("E2", 5, "", "", lambda: "%s open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS" % proxy()),
    ("E3", 3, "", "", lambda: "%s close, %d bytes (%s) sent, %d bytes (%s) received, lifetime %s" % (proxy(), R.randint(1024, 99999), kb(), R.randint(1024, 99999), kb(), lifetime())),
    ("E4", 2, "", "", lambda: "%s close, %d bytes sent, %d bytes (%s) received, lifetime %s" % (proxy(), R.randint(0, 1023), R.randint(1024, 99999), kb(), lifetime())),
    ("E5", 2, "", "", lambda: "%s error : Could not connect through proxy proxy.cse.cuhk.edu.hk:5070 - Proxy server cannot establish a connection with the target, status code 403" % proxy()),
    ("E6", 2, "", "", lambda: "%s open through proxy proxy.cse.cuhk.edu.hk:5070 SOCKS5" % proxy()),
    ("E7", 1, "", "", lambda: "%s error : A connection request was canceled before the completion." % proxy()),
])

# --- OpenSSH --------------------------------------------------------------
def ssh_header(comp, lvl):
    return "Dec %2d %s LabSZ sshd[%d]: " % (R.randint(10, 31), clock(), R.randint(1000, 30000))


dataset("openssh", ssh_header, [
    ("E1", 5, "", "", lambda: "Failed password for %s from %s port %d ssh2" % (word(USERS), ip(), R.randint(1000, 65000))),
    ("E2", 4, "", "", lambda: "Failed password for invalid user %s from %s port %d ssh2" % (word(USERS), ip(), R.randint(1000, 65000))),
    ("E3", 4, "", "", lambda: "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=%s" % (ip(), word(USERS))),
    ("E4", 3, "", "", lambda: "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s" % ip()),
    ("E5", 4, "", "", lambda: "Received disconnect from %s: 11: Bye Bye [preauth]" % ip()),
    ("E6", 3, "", "", lambda: "Invalid user %s from %s" % (word(USERS), ip())),
    ("E7", 3, "", "", lambda: "input_userauth_request: invalid user %s [preauth]" % word(USERS)),
    ("E8", 3, "", "", lambda: "pam_unix(sshd:auth): check pass; user unknown"),
    ("E9", 2, "", "", lambda: "reverse mapping checking getaddrinfo for %s [%s] failed - POSSIBLE BREAK-IN ATTEMPT!" % (word(HOSTS), ip())),
    ("E10", 2, "", "", lambda: "Connection closed by %s [preauth]" % ip()),
    ("E11", 2, "", "", lambda: "message repeated %d times: [ Failed password for root from %s port %d ssh2]" % (R.randint(2, 5), ip(), R.randint(1000, 65000))),
    ("E12", 1, "", "", lambda: "PAM %d more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=root" % (R.randint(1, 5), ip())),
    ("E13", 1, "", "", lambda: "Disconnecting: Too many authentication failures for root [preauth]"),
    ("E14", 1, "", "", lambda: "Accepted password for %s from %s port %d ssh2" % (word(USERS), ip(), R.randint(1000, 65000))),
])

# --- OpenStack ------------------------------------------------------------
def os_header(comp, lvl):
    f = word(["nova-api.log.1.2017-05-16_13:53:08", "nova-compute.log.1.2017-05-16_13:55:31"])
    req = "[req-%s %s %s - - -]" % (uuid(), hexs(32), hexs(32)) if comp != "nova.compute.claims" else "[req-%s - - - - -]" % uuid()
    return "%s 2017-05-16 %s.%s %d %s %s %s " % (f, clock(), ms(), R.randint(2000, 30000), lvl, comp, req)


dataset("openstack", os_header, [
    ("E1", 6, "nova.osapi_compute.wsgi.server", "INFO", lambda: "%s \"GET /v2/%s/servers/detail HTTP/1.1\" status: 200 len: %d time: %.7f" % (ip(), hexs(32), R.randint(1000, 2000), R.random())),
    ("E2", 3, "nova.osapi_compute.wsgi.server", "INFO", lambda: "%s \"POST /v2/%s/os-server-external-events HTTP/1.1\" status: 200 len: %d time: %.7f" % (ip(), hexs(32), R.randint(300, 400), R.random())),
    ("E3", 3, "nova.compute.manager", "INFO", lambda: labelled("[instance: %s] VM %s (Lifecycle Event)", uuid(), ["Started", "Stopped", "Paused", "Resumed"])),
    ("E4", 3, "nova.compute.claims", "INFO", lambda: "[instance: %s] Total memory: %d MB, used: %.2f MB" % (uuid(), 64172, R.random() * 4000)),
    ("E5", 2, "nova.compute.manager", "INFO", lambda: "[instance: %s] Took %.2f seconds to spawn the instance on the hypervisor." % (uuid(), R.random() * 30)),
    ("E6", 2, "nova.virt.libvirt.imagecache", "INFO", lambda: "image %s at (/var/lib/nova/instances/_base/%s): checking" % (uuid(), hexs(40))),
    ("E7", 2, "nova.compute.resource_tracker", "INFO", lambda: "Final resource view: name=cp-1.slowvm1.tcloud-pg0.utah.cloudlab.us phys_ram=64172MB used_ram=%dMB phys_disk=15GB used_disk=%dGB total_vcpus=16 used_vcpus=%d pci_stats=[]" % (R.randint(512, 4096), R.randint(0, 40), R.randint(0, 8))),
    ("E8", 2, "nova.compute.manager", "INFO", lambda: "[instance: %s] During sync_power_state the instance has a pending task (spawning). Skip." % uuid()),
    ("E9", 1, "nova.osapi_compute.wsgi.server", "INFO", lambda: "%s \"DELETE /v2/%s/servers/%s HTTP/1.1\" status: 204 len: 203 time: %.7f" % (ip(), hexs(32), uuid(), R.random())),
    # LogHub's ground truth masks the request path: one event per method.
    ("E1", 1, "nova.metadata.wsgi.server", "INFO", lambda: "%s,%s \"GET /openstack/2013-10-17/meta_data.json HTTP/1.1\" status: 200 len: 967 time: %.7f" % (ip(), ip(), R.random())),
])

# --- Mac ------------------------------------------------------------------
def mac_header(comp, lvl):
    host = word(["calvisitor-10-105-160-95", "authorMacBook-Pro", "calvisitor-10-105-163-202"])
    return "Jul %2d %s %s %s: " % (R.randint(1, 8), clock(), host, comp.replace("PID", str(R.randint(30, 40000))))


dataset("mac", mac_header, [
    ("E1", 5, "kernel[0]", "", lambda: "ARPT: %d.%06d: wl0: setup_keepalive: Remote IP: %s" % (R.randint(600000, 700000), R.randint(0, 999999), ip())),
    ("E2", 4, "kernel[0]", "", lambda: "AppleThunderboltNHIType2::prePCIWake - power up complete - took %d us" % R.randint(1, 2000)),
    ("E3", 4, "com.apple.CDScheduler[PID]", "", lambda: "Thermal pressure state: %d Memory pressure state: %d" % (R.randint(0, 1), R.randint(0, 1))),
    ("E4", 3, "Google Chrome Helper[PID]", "", lambda: "Couldn't set selectedTextBackgroundColor from default ()"),
    ("E5", 3, "kernel[0]", "", lambda: "IOThunderboltSwitch<0>(0x0)::listenerCallback - Thunderbolt HPD packet for route = 0x0 port = %d unplug = %d" % (R.randint(1, 12), R.randint(0, 1))),
    ("E6", 2, "QQ[PID]", "", lambda: "FA||Url||taskID[%d] dealloc" % R.randint(10**9, 3 * 10**9)),
    ("E7", 2, "symptomsd[PID]", "", lambda: "__73-[NetworkAnalyticsEngine observeValueForKeyPath:ofObject:change:context:]_block_invoke unexpected switch value 2"),
    ("E8", 2, "kernel[0]", "", lambda: "Wake reason: %s" % word(["RTC (Alarm)", "EC.LidOpen (User)", "ARPT (Network)"])),
    ("E9", 1, "com.apple.xpc.launchd[1]", "", lambda: "(com.apple.quicklook[%d]) Endpoint has been activated through legacy launch(3) APIs. Please switch to XPC or bootstrap_check_in(): com.apple.quicklook" % R.randint(1000, 40000)),
    ("E10", 1, "kernel[0]", "", lambda: "Sandbox: com.apple.Addres(%d) deny(1) network-outbound /private/var/run/mDNSResponder" % R.randint(1000, 40000)),
])

# --- ERP application server (German) --------------------------------------
ERP_USERS = ["MUELLER", "SCHMIDT", "meier", "k.weber", "BATCH01", "SYSTEM"]
dataset("erp", lambda comp, lvl: "%02d.11.2026 %s,%s %-7s [%s] %s - " % (R.randint(1, 27), clock(), ms(), lvl, word(["AppServer-Worker-%d" % R.randint(1, 16), "BatchScheduler", "RFC-Listener"]), comp), [
    ("E1", 6, "de.acme.erp.fibu.Buchung", "INFO", lambda: "Beleg %d in Periode %02d/2026 gebucht von Benutzer %s" % (R.randint(100000, 999999), R.randint(1, 12), word(ERP_USERS))),
    ("E2", 4, "de.acme.erp.fibu.Buchung", "FEHLER", lambda: "Buchung %d konnte nicht gespeichert werden: Periode %02d/2026 ist gesperrt" % (R.randint(100000, 999999), R.randint(1, 12))),
    ("E3", 4, "de.acme.erp.session.SessionManager", "INFO", lambda: "Anmeldung Benutzer %s von Client %s erfolgreich" % (word(ERP_USERS), ip())),
    ("E4", 3, "de.acme.erp.session.SessionManager", "WARNUNG", lambda: "Sitzung %s für Benutzer %s nach %d Minuten Inaktivität beendet" % (hexs(16), word(ERP_USERS), R.randint(15, 120))),
    ("E5", 3, "de.acme.erp.bde.Rueckmeldung", "FEHLER", lambda: "Rückmeldung zu Auftrag FA-%d Arbeitsgang %d abgewiesen: Menge %d größer als offene Menge %d" % (R.randint(10000, 99999), R.randint(10, 90), R.randint(1, 500), R.randint(0, 500))),
    ("E6", 3, "de.acme.erp.db.Pool", "WARNUNG", lambda: "Verbindungspool erschöpft (%d/%d), warte %d ms" % (R.randint(40, 50), 50, R.randint(100, 5000))),
    ("E7", 2, "de.acme.erp.batch.Lauf", "INFO", lambda: "Batchlauf %s gestartet mit %d Positionen" % (word(["MAHNLAUF", "ZAHLLAUF", "DISPOLAUF"]), R.randint(1, 5000))),
    ("E8", 2, "de.acme.erp.batch.Lauf", "INFO", lambda: "Batchlauf %s beendet nach %d s, %d Fehler" % (word(["MAHNLAUF", "ZAHLLAUF", "DISPOLAUF"]), R.randint(1, 5000), R.randint(0, 9))),
    ("E9", 2, "de.acme.erp.edi.Import", "FEHLER", lambda: "Datei /data/edi/in/%s_%d.xml: Lieferant %d unbekannt" % (word(["ORDERS", "DESADV", "INVOIC"]), R.randint(1000, 9999), R.randint(10000, 99999))),
    ("E10", 1, "de.acme.erp.mail.Versand", "INFO", lambda: "Mail an %s@%s.de versendet (Betreff: Mahnung %d)" % (word(["einkauf", "buchhaltung", "j.doe"]), word(["kunde", "lieferant-gmbh"]), R.randint(1000, 9999))),
])

# --- Java (Spring Boot style with stack traces) ---------------------------
def java_header(comp, lvl):
    return "2026-11-%02d %s.%s %5s %d --- [%s] %-40s : " % (R.randint(1, 27), clock(), ms(), lvl, 4711, word(["nio-8080-exec-%d" % R.randint(1, 10), "scheduling-1", "main"]), comp)


dataset("java", java_header, [
    ("E1", 6, "c.a.erp.web.OrderController", "INFO", lambda: "GET /api/orders/%d completed in %d ms" % (R.randint(1, 99999), R.randint(1, 900))),
    ("E2", 4, "c.a.erp.booking.PostingService", "ERROR", lambda: "Posting failed for document %d: period %d/2026 is closed" % (R.randint(1, 99999), R.randint(1, 12))),
    ("E3", 4, "o.h.engine.jdbc.spi.SqlExceptionHelper", "WARN", lambda: "SQL Error: %d, SQLState: %s" % (R.choice([0, 1205, 2627]), word(["40001", "23505", "08006"]))),
    ("E4", 3, "com.zaxxer.hikari.pool.HikariPool", "WARN", lambda: "HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=%dm%ds%dms)." % (R.randint(1, 9), R.randint(0, 59), R.randint(0, 999))),
    ("E5", 3, "c.a.erp.sched.NightlyJob", "INFO", lambda: "Job %s finished: %d records, %d skipped" % (word(["reindex", "cleanup", "export"]), R.randint(0, 99999), R.randint(0, 99))),
    ("E6", 3, "c.a.erp.security.AuthFilter", "WARN", lambda: "Rejected token for user %s from %s: expired %d s ago" % (word(["jdoe", "asmith", "mueller"]), ip(), R.randint(1, 9999))),
    ("E7", 2, "o.s.b.w.embedded.tomcat.TomcatWebServer", "INFO", lambda: "Tomcat started on port(s): %d (http) with context path ''" % R.choice([8080, 8443])),
    ("E8", 2, "c.a.erp.cache.CacheLoader", "DEBUG", lambda: "Cache %s loaded %d entries in %d ms" % (word(["articles", "customers", "prices"]), R.randint(0, 99999), R.randint(1, 999))),
])

# --- .NET -----------------------------------------------------------------
dataset("dotnet", lambda comp, lvl: "2026-11-%02dT%s.%s%04d+01:00 [%s] %s: " % (R.randint(1, 27), clock(), ms(), R.randint(0, 9999), lvl, comp), [
    ("E1", 6, "Microsoft.AspNetCore.Hosting.Diagnostics", "INF", lambda: "Request finished HTTP/1.1 GET http://erp-app01:5000/api/stock/%d - %d - application/json %.4fms" % (R.randint(1, 99999), R.choice([200, 404]), R.random() * 100)),
    ("E2", 4, "Acme.Erp.Warehouse.StockService", "ERR", lambda: "Stock booking {BookingId} failed for article %s: insufficient quantity %d < %d" % ("A-%05d" % R.randint(1, 99999), R.randint(0, 10), R.randint(11, 99))),
    ("E3", 4, "Microsoft.EntityFrameworkCore.Database.Command", "WRN", lambda: "Command timed out after %d seconds: SELECT TOP(1) [s].[Id] FROM [Stock] AS [s] WHERE [s].[ArticleNo] = @__no_0" % R.choice([30, 60])),
    ("E4", 3, "Acme.Erp.Integration.ShopSync", "INF", lambda: "Synchronised %d orders from shop %s in %d ms" % (R.randint(0, 500), word(["de", "at", "ch"]), R.randint(10, 9999))),
    ("E5", 2, "Microsoft.Hosting.Lifetime", "INF", lambda: "Now listening on: http://[::]:%d" % R.choice([5000, 5001])),
    ("E6", 2, "Acme.Erp.Auth.LdapProvider", "WRN", lambda: "LDAP bind for CN=%s,OU=Users,DC=acme,DC=local failed: error 49" % word(["svc-erp", "jdoe", "batch"])),
])

# --- Progress OpenEdge ----------------------------------------------------
dataset("progress", lambda comp, lvl: "[26/11/%02d@%s.%s+0100] P-%06d T-%06d %d %s -- " % (R.randint(1, 27), clock(), ms(), R.randint(1000, 999999), R.randint(1000, 999999), R.randint(1, 4), comp), [
    ("E1", 5, "AS", "", lambda: "(Procedure: '%s.p' Line:%d) ** Unknown Field or Variable name - %s. (201)" % (word(["order", "invoice", "stock"]), R.randint(1, 999), word(["cCustNo", "dAmount"]))),
    ("E2", 4, "AS", "", lambda: "Agent session %d connected to %s" % (R.randint(1, 200), word(["sports2000", "erpdb"]))),
    ("E3", 4, "4GL", "", lambda: "** Record %s is locked by user %s on tty %s. (2624)" % (word(["customer", "order"]), word(["batch", "jdoe"]), word(["batch", "/dev/pts/%d" % R.randint(1, 9)]))),
    ("E4", 3, "AS", "", lambda: "Application Server connection %d disconnected. (8358)" % R.randint(1, 9999)),
    ("E5", 2, "4GL", "", lambda: "SYSTEM ERROR: Memory violation. (49)"),
    ("E6", 2, "BROKER", "", lambda: "Server %d started on port %d. (5646)" % (R.randint(1, 99), R.randint(3000, 4000))),
])

# --- syslog (RFC 3164) ----------------------------------------------------
def sys_header(comp, lvl):
    return "Nov %2d %s %s %s: " % (R.randint(1, 27), clock(), word(["erp-app01", "erp-db02", "gateway"]), comp.replace("PID", str(R.randint(100, 40000))))


dataset("syslog", sys_header, [
    ("E1", 5, "CRON[PID]", "", lambda: "(%s) CMD (/usr/local/bin/%s.sh > /dev/null 2>&1)" % (word(["root", "erp"]), word(["backup", "cleanup", "rotate"]))),
    ("E2", 4, "systemd[1]", "", lambda: "Started Session %d of user %s." % (R.randint(1, 9999), word(["root", "erp", "admin"]))),
    ("E3", 4, "kernel", "", lambda: "[%d.%06d] EXT4-fs (sda%d): re-mounted. Opts: errors=remount-ro" % (R.randint(1, 99999), R.randint(0, 999999), R.randint(1, 3))),
    ("E4", 3, "postfix/smtp[PID]", "", lambda: "%s: to=<%s@example.com>, relay=mail.example.com[%s]:25, delay=%.1f, status=sent (250 2.0.0 Ok)" % (hexs(10).upper(), word(["ops", "support"]), ip(), R.random() * 5)),
    ("E5", 3, "kernel", "", lambda: "Out of memory: Killed process %d (%s) total-vm:%dkB, anon-rss:%dkB" % (R.randint(100, 40000), word(["java", "_progres", "postgres"]), R.randint(10**5, 10**7), R.randint(10**5, 10**7))),
    ("E6", 2, "sshd[PID]", "", lambda: "Accepted publickey for %s from %s port %d ssh2: RSA SHA256:%s" % (word(["root", "erp"]), ip(), R.randint(1000, 65000), hexs(43))),
    ("E7", 2, "systemd[1]", "", lambda: "%s.service: Main process exited, code=exited, status=%d/FAILURE" % (word(["erp-appserver", "nginx"]), R.randint(1, 3))),
])

# --- web server access log ------------------------------------------------
PATHS = ["/api/orders", "/api/stock", "/login", "/static/app.js", "/favicon.ico"]
dataset("access", lambda comp, lvl: "%s - %s [%02d/Nov/2026:%s +0100] " % (ip(), word(["-", "jdoe", "mueller"]), R.randint(1, 27), clock()), [
    ("E1", 6, "", "", lambda: "\"GET %s/%d HTTP/1.1\" %d %d \"-\" \"Mozilla/5.0 (Windows NT 10.0; Win64; x64)\"" % (word(PATHS), R.randint(1, 9999), R.choice([200, 304]), R.randint(100, 99999))),
    ("E2", 4, "", "", lambda: "\"POST %s HTTP/1.1\" %d %d \"-\" \"curl/8.%d.0\"" % (word(PATHS), R.choice([201, 400, 500]), R.randint(0, 999), R.randint(0, 9))),
    ("E3", 2, "", "", lambda: "\"GET /health HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.%d\"" % R.randint(20, 30)),
])


def main():
    for name, (header, events, n) in DATASETS.items():
        weights = [e[1] for e in events]
        # The ERP sample is Windows-1252, like many older application servers.
        enc = "cp1252" if name == "erp" else "utf-8"
        with open(name + ".log", "w", newline="", encoding=enc) as f, open(name + ".labels", "w") as lab:
            for i in range(n):
                eid, _, comp, lvl, content = R.choices(events, weights)[0]
                hdr = header(comp, lvl)
                body = content()
                if isinstance(body, tuple):
                    body, suffix = body
                    eid += suffix
                line = hdr + body
                end = "\r\n" if name in ("windows", "dotnet") else "\n"
                if i == n - 1 and name in ("linux", "proxifier", "erp"):
                    end = ""
                f.write(line + end)
                lab.write(eid + "\n")


if __name__ == "__main__":
    main()
