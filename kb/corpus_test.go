package kb

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// genArticle generates the i-th article of a synthetic ERP support corpus:
// Problem / log excerpt / cause / solution, German or English, with a
// unique error code. minLen pads the body with further sections until it
// has at least that many bytes.
func genArticle(rng *rand.Rand, i, minLen int) Article {
	ar := &areas[rng.IntN(len(areas))]
	obj := pick(rng, ar.objects)
	action := pick(rng, ar.actions)
	code := fmt.Sprintf("%s-%d", ar.codePrefix, 1000+rng.IntN(9000))
	errMsg := fill(rng, pick(rng, ar.errors), code)
	short := shortError(errMsg)
	de := ar.lang == "de"
	comp := compound(rng, ar.lang)
	firm := fmt.Sprintf("%s %s %s", pick(rng, firmNames), pick(rng, firmTrades), pick(rng, firmForms))

	var title string
	switch rng.IntN(4) {
	case 0:
		title = fmt.Sprintf("%s: %s (%s)", obj, short, code)
	case 1:
		title = fmt.Sprintf("%s %s (%s)", short, action, upperFirst(comp))
	case 2:
		title = fmt.Sprintf("%s, %s: %s", upperFirst(obj), upperFirst(comp), short)
	default:
		title = fmt.Sprintf("%s %s: %s", upperFirst(obj), action, short)
	}

	var b strings.Builder
	sec := func(de, en string) {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		if ar.lang == "de" {
			b.WriteString("## " + de + "\n\n")
		} else {
			b.WriteString("## " + en + "\n\n")
		}
	}
	sec("Problem", "Problem")
	if de {
		fmt.Fprintf(&b, "%s erscheint im Modul %s für %s die Meldung:\n\n> %s\n\n", upperFirst(action), ar.module, obj, errMsg)
	} else {
		fmt.Fprintf(&b, "%s the following message appears in module %s for the %s:\n\n> %s\n\n", upperFirst(action), ar.module, obj, errMsg)
	}
	if de {
		fmt.Fprintf(&b, "Betroffen ist die %s bei %s (Mandant %d). ", upperFirst(comp), firm, 100+rng.IntN(900))
	} else {
		fmt.Fprintf(&b, "The %s at %s is affected (company %d). ", comp, firm, 100+rng.IntN(900))
	}
	b.WriteString(pick(rng, fillers[ar.lang]) + "\n")
	sec("Log-Auszug", "Log excerpt")
	rollback := "Transaktion zurückgesetzt, 0 Sätze geschrieben"
	if !de {
		rollback = "Transaction rolled back, 0 records written"
	}
	b.WriteString("```\n" + logLine(rng, ar, errMsg) + "\n" + logLine(rng, ar, rollback) + "\n```\n")
	causes := pickN(rng, ar.causes, 1+rng.IntN(2))
	sec("Ursache", "Cause")
	b.WriteString(strings.Join(causes, " ") + "\n")
	sec("Lösung", "Solution")
	for k, f := range pickN(rng, ar.fixes, 2+rng.IntN(2)) {
		fmt.Fprintf(&b, "%d. %s\n", k+1, f)
	}
	for extra := 0; b.Len() < minLen; extra++ {
		// Real articles stay on their topic; some notes touch a
		// neighbouring field.
		other := &areas[rng.IntN(len(areas))]
		if other.lang != ar.lang || rng.IntN(10) < 6 {
			other = ar
		}
		sec("Hinweis", "Note")
		if de {
			fmt.Fprintf(&b, "Siehe auch %s und %s. ", upperFirst(compound(rng, "de")), upperFirst(compound(rng, "de")))
		} else {
			fmt.Fprintf(&b, "See also %s and %s. ", compound(rng, "en"), compound(rng, "en"))
		}
		fmt.Fprintf(&b, "%s %s %s\n", pick(rng, fillers[ar.lang]), pick(rng, other.causes), pick(rng, other.fixes))
		if extra%3 == 2 {
			b.WriteString("```\n" + logLine(rng, other, fill(rng, pick(rng, other.errors), fmt.Sprintf("%s-%d", other.codePrefix, 1000+rng.IntN(9000)))) + "\n```\n")
		}
	}
	vers := pickN(rng, []string{"7.1", "7.2", "7.3", "8.0", "8.1", "8.2"}, 1+rng.IntN(3))
	created := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(700*24)) * time.Hour)
	return Article{
		ID:         fmt.Sprintf("kb-%06d", i),
		Title:      title,
		Body:       b.String(),
		Tags:       append(pickN(rng, ar.tags, 1+rng.IntN(len(ar.tags))), strings.ToLower(ar.module)),
		Product:    ar.product,
		Module:     ar.module,
		Versions:   vers,
		Status:     []Status{StatusPublished, StatusPublished, StatusPublished, StatusReview, StatusDraft}[rng.IntN(5)],
		Lang:       ar.lang,
		Signatures: []string{code},
		Created:    created,
		Updated:    created.Add(time.Duration(rng.IntN(2000)) * time.Hour),
		Rev:        1,
	}
}

// compound makes an ERP compound noun: two or three German parts
// ("Kundenstammliste"), or an English noun pair.
func compound(rng *rand.Rand, lang string) string {
	if lang != "de" {
		return pick(rng, englishHeads) + " " + pick(rng, englishTails)
	}
	w := pick(rng, compoundHeads)
	if rng.IntN(3) == 0 {
		w += strings.ToLower(pick(rng, compoundHeads))
	}
	return w + pick(rng, compoundTails)
}

// logLine formats msg as an OpenEdge-style AppServer log line.
func logLine(rng *rand.Rand, ar *area, msg string) string {
	return fmt.Sprintf("[2026/%02d/%02d@%02d:%02d:%02d.%03d+0100] P-%06d T-%06d 1 AS-%d AS -- (Procedure: '%s' Line:%d) %s (user %s, host %s)",
		1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60), rng.IntN(1000),
		rng.IntN(999999), rng.IntN(999999), 1+rng.IntN(9), pick(rng, ar.procs), 1+rng.IntN(2000), msg,
		pick(rng, genUsers), pick(rng, genHosts))
}

// fill replaces the placeholders of an error template.
func fill(rng *rand.Rand, tmpl, code string) string {
	s := strings.ReplaceAll(tmpl, "{code}", code)
	for strings.Contains(s, "{n}") {
		s = strings.Replace(s, "{n}", fmt.Sprint(10+rng.IntN(99990)), 1)
	}
	return s
}

// shortError is an error message without its code and details, for titles.
func shortError(msg string) string {
	if i := strings.Index(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	for _, sep := range []string{" (", " – ", " - ", ": "} {
		if i := strings.Index(msg, sep); i > 0 {
			msg = msg[:i]
		}
	}
	return strings.TrimSuffix(msg, ".")
}

// pick returns a random element of xs.
func pick(rng *rand.Rand, xs []string) string { return xs[rng.IntN(len(xs))] }

// pickN returns n distinct random elements of xs (all when n ≥ len(xs)).
func pickN(rng *rand.Rand, xs []string, n int) []string {
	p := rng.Perm(len(xs))
	n = min(n, len(xs))
	out := make([]string, n)
	for i := range n {
		out[i] = xs[p[i]]
	}
	return out
}

// upperFirst upper-cases the first letter of s.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
