package logs

import (
	"encoding/json"
	"strings"
	"time"
)

// JSON log lines (Serilog compact, Bunyan, Zap, Logstash, …) carry their
// header as fields. These are the field names read, in order of preference.
var (
	jsonMessageKeys = []string{"msg", "message", "Message", "@m", "@mt", "MessageTemplate", "log"}
	jsonLevelKeys   = []string{"level", "severity", "lvl", "@l", "Level", "log.level", "loglevel"}
	jsonTimeKeys    = []string{"time", "ts", "timestamp", "@timestamp", "@t", "Timestamp", "date"}
	jsonLoggerKeys  = []string{"logger", "logger_name", "name", "SourceContext", "component"}
)

// splitJSONHeader reads a JSON object line; ok is false when the line is
// not one or has no message field.
func splitJSONHeader(line string) (h Header, ok bool) {
	t := strings.TrimSpace(line)
	if len(t) < 2 || t[0] != '{' || t[len(t)-1] != '}' {
		return h, false
	}
	var m map[string]any
	if json.Unmarshal([]byte(t), &m) != nil {
		return h, false
	}
	msg, found := jsonString(m, jsonMessageKeys)
	if !found {
		return h, false
	}
	h.Content = strings.TrimSpace(msg)
	if l, ok := jsonString(m, jsonLevelKeys); ok {
		h.Level = levelOf(l)
		if h.Level == "" {
			h.Level = shortLevels[strings.ToUpper(l)]
		}
	} else if n, ok := m["level"].(float64); ok {
		// Bunyan/pino numeric levels: 10 trace … 60 fatal.
		h.Level = levelName(uint8(min(max(n/10, 0), 6)))
	}
	h.Component, _ = jsonString(m, jsonLoggerKeys)
	for _, k := range jsonTimeKeys {
		switch v := m[k].(type) {
		case string:
			if ts, err := time.Parse(time.RFC3339Nano, v); err == nil {
				h.Time = ts.UTC()
			} else if n, kind := matchTS(v); n > 0 {
				h.Time = parseTS(v[:n], kind)
			}
		case float64:
			switch {
			case v > 1e11:
				h.Time = time.UnixMilli(int64(v)).UTC()
			case v > 1e8:
				h.Time = time.Unix(int64(v), int64((v-float64(int64(v)))*1e9)).UTC()
			}
		}
		if !h.Time.IsZero() {
			break
		}
	}
	return h, true
}

// jsonString returns the first string field among keys.
func jsonString(m map[string]any, keys []string) (string, bool) {
	for _, k := range keys {
		if s, ok := m[k].(string); ok {
			return s, true
		}
	}
	return "", false
}
