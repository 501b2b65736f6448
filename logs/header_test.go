package logs

import (
	"strings"
	"testing"
	"time"
)

func TestSplitHeader(t *testing.T) {
	year := time.Now().Year()
	cases := []struct {
		line, content, level string
		time                 time.Time
	}{
		{"081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating",
			"PacketResponder 1 for block blk_38865049064139660 terminating", "INFO", time.Date(2008, 11, 9, 20, 36, 15, 0, time.UTC)},
		{"2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001",
			"Created MRAppMaster for application appattempt_1445144423722_0020_000001", "INFO", time.Date(2015, 10, 18, 18, 1, 47, 978e6, time.UTC)},
		{"17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers for [TERM, HUP, INT]",
			"Registered signal handlers for [TERM, HUP, INT]", "INFO", time.Date(2017, 6, 9, 20, 10, 40, 0, time.UTC)},
		{"2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200",
			"Notification time out: 3200", "INFO", time.Date(2015, 7, 29, 17, 41, 44, 747e6, time.UTC)},
		{"- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected",
			"instruction cache parity error corrected", "INFO", time.Unix(1117838570, 0).UTC()},
		{"460610 node-246 unix.hw state_change.unavailable 1077804742 1 Component State Change: Component \\042alt0\\042 is in the unavailable state (HWID=1973)",
			"Component State Change: Component \\042alt0\\042 is in the unavailable state (HWID=1973)", "", time.Unix(1077804742, 0).UTC()},
		{"- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root",
			"session closed for user root", "", time.Unix(1131566461, 0).UTC()},
		{"2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505 with Core: C:\\Windows\\winsxs\\cbscore.dll",
			"Loaded Servicing Stack v6.1.7601.23505 with Core: C:\\Windows\\winsxs\\cbscore.dll", "INFO", time.Date(2016, 9, 28, 4, 30, 30, 0, time.UTC)},
		{"Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4",
			"authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4", "", time.Date(year, 6, 14, 15, 16, 1, 0, time.UTC)},
		{"03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening app wtoken = AppWindowToken{9f4ef63 token=Token{a64f992}}",
			"printFreezingDisplayLogsopening app wtoken = AppWindowToken{9f4ef63 token=Token{a64f992}}", "DEBUG", time.Date(year, 3, 17, 16, 13, 38, 811e6, time.UTC)},
		{"20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579",
			"onStandStepChanged 3579", "", time.Date(2017, 12, 23, 22, 15, 29, 606e6, time.UTC)},
		{"[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
			"workerEnv.init() ok /etc/httpd/conf/workers2.properties", "INFO", time.Date(2005, 12, 4, 4, 47, 44, 0, time.UTC)},
		{"[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS",
			"proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS", "", time.Date(year, 10, 30, 16, 49, 6, 0, time.UTC)},
		{"[10.30 17:02:07] WeChat.exe *64 - proxy.cse.cuhk.edu.hk:5070 close, 0 bytes sent, 0 bytes received, lifetime <1 sec",
			"proxy.cse.cuhk.edu.hk:5070 close, 0 bytes sent, 0 bytes received, lifetime <1 sec", "", time.Date(year, 10, 30, 17, 2, 7, 0, time.UTC)},
		{"Dec 10 06:55:46 LabSZ sshd[24200]: reverse mapping checking getaddrinfo for ns.marryaldkfaczcz.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!",
			"reverse mapping checking getaddrinfo for ns.marryaldkfaczcz.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!", "", time.Date(year, 12, 10, 6, 55, 46, 0, time.UTC)},
		{"nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99c3da401fbd62cc2caa5b96d2 54fdadf51bb847a4a36f5d2ee7a6da5b - - -] 10.11.10.1 \"GET /v2/54fdadf51bb847a4a36f5d2ee7a6da5b/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829",
			"\"GET /v2/54fdadf51bb847a4a36f5d2ee7a6da5b/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829", "INFO", time.Date(2017, 5, 16, 0, 0, 0, 8e6, time.UTC)},
		{"Jul  1 09:03:11 authorMacBook-Pro Google Chrome Helper[36508]: Couldn't set selectedTextBackgroundColor from default ()",
			"Couldn't set selectedTextBackgroundColor from default ()", "", time.Date(year, 7, 1, 9, 3, 11, 0, time.UTC)},
		{"[24/05/14@10:15:30.123+0200] P-009876 T-009872 1 AS -- (Procedure: 'order.p' Line:123) ** Unknown Field",
			"(Procedure: 'order.p' Line:123) ** Unknown Field", "", time.Date(2014, 5, 24, 8, 15, 30, 123e6, time.UTC)},
		{"2026-11-27 10:15:30.123 ERROR 4711 --- [nio-8080-exec-1] c.a.erp.booking.PostingService : Posting failed for document 4711",
			"Posting failed for document 4711", "ERROR", time.Date(2026, 11, 27, 10, 15, 30, 123e6, time.UTC)},
		{"27.11.2026 10:15:30,123 FEHLER [AppServer] Buchung 4711 konnte nicht gespeichert werden",
			"Buchung 4711 konnte nicht gespeichert werden", "ERROR", time.Date(2026, 11, 27, 10, 15, 30, 123e6, time.UTC)},
		{"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326",
			"\"GET /apache_pb.gif HTTP/1.0\" 200 2326", "", time.Date(2000, 10, 10, 20, 55, 36, 0, time.UTC)},
		{"- 1131566461 2005.11.09 ladmin Nov 9 12:01:01 ladmin/ladmin crond(pam_unix)[2915]: session closed for user root",
			"session closed for user root", "", time.Unix(1131566461, 0).UTC()},
		{"03-17 16:13:40.345  1702  8671 V Layer   : setting buffer with usage: 3",
			"setting buffer with usage: 3", "TRACE", time.Date(year, 3, 17, 16, 13, 40, 345e6, time.UTC)},
		{"- 1117869872 2005.06.04 UNKNOWN_LOCATION 2005-06-04-00.24.32.432192 UNKNOWN_LOCATION RAS MMCS ERROR idoproxydb hit ASSERT condition",
			"idoproxydb hit ASSERT condition", "ERROR", time.Unix(1117869872, 0).UTC()},
		{"2015-07-29 19:04:29,079 - INFO  [QuorumPeer[myid=3]/0:0:0:0:0:0:0:0:2181:QuorumPeer@738] - FOLLOWING",
			"FOLLOWING", "INFO", time.Date(2015, 7, 29, 19, 4, 29, 79e6, time.UTC)},
		{"27-Nov-2026 10:15:30.123 INFORMATION [main] org.apache.catalina.startup.Catalina.start Server startup in [1234] milliseconds",
			"Server startup in [1234] milliseconds", "INFO", time.Date(2026, 11, 27, 10, 15, 30, 123e6, time.UTC)},
		{"2026-11-27 10:15:30.1234|WARN|Acme.Erp.Program|Stock low for 4711",
			"Stock low for 4711", "WARN", time.Date(2026, 11, 27, 10, 15, 30, 123400000, time.UTC)},
		{"<34>1 2026-11-27T10:15:30.003Z erp-app01 su - - - 'su root' failed for lonvick",
			"su - - - 'su root' failed for lonvick", "", time.Date(2026, 11, 27, 10, 15, 30, 3e6, time.UTC)},
		{"2026-11-27 10:15:30,123 - erp.sync - ERROR - Sync of order 4711 failed",
			"Sync of order 4711 failed", "ERROR", time.Date(2026, 11, 27, 10, 15, 30, 123e6, time.UTC)},
		{"2026/11/27 10:15:30 [error] 1234#0: *5 open() \"/x\" failed",
			"*5 open() \"/x\" failed", "ERROR", time.Date(2026, 11, 27, 10, 15, 30, 0, time.UTC)},
		{`{"@t":"2026-11-27T10:15:30.1230000Z","@l":"Error","@mt":"Stock booking {BookingId} failed","BookingId":4711}`,
			"Stock booking {BookingId} failed", "ERROR", time.Date(2026, 11, 27, 10, 15, 30, 123e6, time.UTC)},
		{`{"level":50,"time":1764238530000,"msg":"order 4711 not found","name":"erp"}`,
			"order 4711 not found", "ERROR", time.UnixMilli(1764238530000).UTC()},
		{`{"no":"message field"}`, `{"no":"message field"}`, "", time.Time{}},
		{"[2026-11-27 10:15:30] production.ERROR: Order 4711 could not be saved",
			"Order 4711 could not be saved", "ERROR", time.Date(2026, 11, 27, 10, 15, 30, 0, time.UTC)},
		{"\tat com.acme.erp.Posting.run(Posting.java:42)", "at com.acme.erp.Posting.run(Posting.java:42)", "", time.Time{}},
		{"", "", "", time.Time{}},
	}
	for _, c := range cases {
		h := SplitHeader(c.line)
		if h.Content != c.content || h.Level != c.level || !h.Time.Equal(c.time) {
			t.Errorf("SplitHeader(%q)\n got content %q level %q time %v\nwant content %q level %q time %v",
				c.line, h.Content, h.Level, h.Time, c.content, c.level, c.time)
		}
	}
}

func TestMaskTokens(t *testing.T) {
	cases := map[string]string{
		"PacketResponder 1 for block blk_-38865049064139660 terminating":                           "PacketResponder <*> for block <*> terminating",
		"onExtend:1514038530000 14 0 4":                                                            "onExtend:<*> <*>",
		"connection from 82.68.222.194 (host.example.co.uk) at Sat Jun 18 02:08:10 2005":           "connection from <*> at <*>",
		"Component State Change: Component \\042alt0\\042 is in the unavailable state (HWID=1973)": "Component State Change: Component <*> is in the unavailable state (HWID=<*>)",
		"Failed password for root from 1.2.3.4 port 22 ssh2":                                       "Failed password for <*> from <*> port <*> ssh2",
		"Loading config from /etc/erp/app.conf and https://x.example.com/a?b=1":                    "Loading config from <*> and <*>",
		"mail sent to jane.doe@example.com state=RUNNING id=0x1f":                                  "mail sent to <*> state=<*> id=<*>",
		"UUID 123e4567-e89b-12d3-a456-426614174000 done":                                           "UUID <*> done",
	}
	for in, want := range cases {
		if got := strings.Join(MaskTokens(nil, in), " "); got != want {
			t.Errorf("MaskTokens(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestFastTimestampRulesAgreeWithExpressions(t *testing.T) {
	for _, s := range []string{
		"2015-10-18 18:01:47,978 INFO", "2016-09-28 04:30:30, Info", "2005-06-03-15.42.50.675872 R02",
		"2026-11-27T10:15:30.1234567+01:00 [INF]", "2026-11-27 10:15:30 -0700 x", "2026-11-27 10:15:30Z",
		"2017-05-16_13:53:08 2017", "2026/1/2 3:04:05", "2026-11-27 10:15", "2026-11-27 1:2:3", "20261127",
		"Nov  9 12:01:01 host", "Jun 14 15:16:01 combo", "Dec 10 2005 06:55:46 x", "Jul 1 09:00:55.123 h",
		"Nov 9 12:01 x", "Nov x", "Novem 9 12:01:01",
		"27.11.2026 10:15:30,123 INFO", "1.2.2026, 9:05 x", "27.11.2026 10:15", "27.11.26 10:15", "27.11.2026 x",
		"081109 203615 148 INFO", "081109 2036151", "081109 203615x",
	} {
		for _, r := range tsRules {
			if r.fast == nil {
				continue
			}
			want := 0
			if r.pre(s) {
				if loc := r.re.FindStringIndex(s); loc != nil {
					want = loc[1]
				}
			}
			got := 0
			if r.pre(s) {
				got = r.fast(s)
			}
			if got != want {
				t.Errorf("rule %d on %q: fast %d, expression %d", r.kind, s, got, want)
			}
		}
	}
}
