package kb

// area is one field of ERP support for the generated test corpora: its
// vocabulary, typical error messages, causes and fixes. Placeholders:
// {obj} object, {code} error code, {mod} module, {n} a number, {ver}
// version, {user} user, {host} host.
type area struct {
	lang, module, product, codePrefix string
	tags                              []string
	objects                           []string
	actions                           []string
	errors                            []string
	causes                            []string
	fixes                             []string
	procs                             []string
}

// areas is the vocabulary of the generated corpora.
var areas = []area{
	{lang: "de", module: "FIBU", product: "ERP+", codePrefix: "FIBU", tags: []string{"fibu", "buchhaltung", "abschluss"},
		objects: []string{"Buchungsperiode", "Zahlungsvorschlag", "Mahnlauf", "Kontenabstimmung", "Saldovortrag", "Umsatzsteuervoranmeldung", "Anlagenbuchhaltung", "Kostenstellenrechnung", "Skontoabzug", "Sammelbuchung", "Fremdwährungsbewertung", "Debitorenkonto", "Kreditorenkonto", "Offene-Posten-Liste", "Sachkontenplan", "Intercompany-Verrechnung"},
		actions: []string{"beim Buchen von Eingangsrechnungen", "beim Monatsabschluss", "im Jahresabschluss", "beim Ausgleich offener Posten", "beim Erstellen der Umsatzsteuervoranmeldung", "beim Stornieren eines Belegs", "beim Export an den Steuerberater"},
		errors:  []string{"{code}: Periode {n} ist gesperrt. Beleg kann nicht gebucht werden.", "{code}: Soll und Haben sind nicht ausgeglichen (Differenz {n},00 EUR)", "{code}: Steuerschlüssel {n} ist für das Konto nicht zulässig", "{code}: Gegenkonto fehlt in der Buchungsvorlage", "{code}: Wechselkurs für Währung USD zum Stichtag fehlt"},
		causes:  []string{"Die Periodensteuerung hat die Periode nach dem Abschluss gesperrt, die Belege tragen aber noch ein Belegdatum im alten Monat.", "In der Buchungsvorlage ist ein Steuerschlüssel hinterlegt, der für das Sachkonto nicht freigegeben ist.", "Der Kurstabelle fehlt der Eintrag für den Stichtag, weil der nächtliche Import der EZB-Kurse fehlgeschlagen ist.", "Rundungsdifferenzen entstehen, wenn Positionen netto gerundet und die Steuer auf Belegebene berechnet wird.", "Der Saldovortrag wurde vor der letzten Korrekturbuchung im alten Geschäftsjahr ausgeführt."},
		fixes:   []string{"Periode unter FIBU → Stammdaten → Buchungsperioden vorübergehend auf Status Offen setzen, Beleg buchen und Periode wieder sperren.", "Steuerschlüssel in der Buchungsvorlage korrigieren und den Beleg erneut buchen.", "Wechselkurs manuell in der Kurstabelle erfassen oder den Kursimport über den Job FIBU_KURSIMPORT neu starten.", "Saldovortrag für das betroffene Geschäftsjahr erneut ausführen; der Lauf überschreibt die Vortragsbuchungen.", "Rundungsregel in den Mandanteneinstellungen auf Positionsebene umstellen."},
		procs:   []string{"fibu/buchung_post.p", "fibu/op_ausgleich.p", "fibu/ustva_export.p", "fibu/saldovortrag.p"}},
	{lang: "de", module: "EK", product: "ERP+", codePrefix: "EK", tags: []string{"einkauf", "bestellung", "lieferant"},
		objects: []string{"Bestellvorschlag", "Rahmenvertrag", "Lieferantenbewertung", "Wareneingangsprüfung", "Bestellfreigabe", "Anfrageliste", "Einkaufskonditionen", "Streckengeschäft", "Lieferavis", "Rechnungsprüfung", "Preisabweichung", "Bestellrückstand"},
		actions: []string{"beim Freigeben einer Bestellung", "bei der Rechnungsprüfung", "beim Wareneingang", "beim Übernehmen des Bestellvorschlags", "beim Drucken der Bestellung", "beim Abruf aus dem Rahmenvertrag"},
		errors:  []string{"{code}: Bestellung {n} überschreitet das Freigabelimit des Benutzers", "{code}: Lieferant ist für den Artikel gesperrt", "{code}: Preisabweichung über Toleranz ({n} %) – Rechnung gesperrt", "{code}: Rahmenvertrag abgelaufen, Abruf nicht möglich", "{code}: Wareneingang übersteigt Bestellmenge"},
		causes:  []string{"Das Freigabelimit der Rolle ist niedriger als der Bestellwert; die Freigabestrategie verlangt eine zweite Unterschrift.", "Der Lieferant wurde nach einer schlechten Lieferantenbewertung für neue Bestellungen gesperrt.", "Die Toleranz für Preisabweichungen in der Rechnungsprüfung ist auf 2 % eingestellt, die Rechnung weicht stärker ab.", "Das Enddatum des Rahmenvertrags liegt vor dem Lieferdatum des Abrufs.", "Überlieferungen sind im Artikelstamm nicht erlaubt."},
		fixes:   []string{"Freigabelimit unter Einkauf → Einstellungen → Freigabestrategie anpassen oder die Bestellung durch einen Teamleiter freigeben lassen.", "Lieferantensperre prüfen und bei Bedarf im Lieferantenstamm aufheben.", "Preis in der Bestellung korrigieren oder die Rechnung mit Begründung manuell freigeben.", "Rahmenvertrag verlängern und den Abruf erneut anlegen.", "Überlieferungstoleranz im Artikelstamm setzen oder die Mehrmenge als separaten Wareneingang buchen."},
		procs:   []string{"ek/bestellung_frei.p", "ek/rechnungspruefung.p", "ek/wareneingang.p"}},
	{lang: "de", module: "VK", product: "ERP+", codePrefix: "VK", tags: []string{"verkauf", "auftrag", "faktura"},
		objects: []string{"Kundenauftrag", "Lieferschein", "Sammelrechnung", "Gutschrift", "Angebotsvorlage", "Preisfindung", "Kreditlimitprüfung", "Rabattstaffel", "Auftragsbestätigung", "Provisionsabrechnung", "Retourenabwicklung", "Sofortfakturierung"},
		actions: []string{"beim Erfassen eines Kundenauftrags", "bei der Fakturierung", "beim Erstellen der Gutschrift", "beim Drucken der Auftragsbestätigung", "bei der Preisfindung", "beim Umwandeln eines Angebots"},
		errors:  []string{"{code}: Kreditlimit des Kunden {n} überschritten – Auftrag gesperrt", "{code}: Keine gültige Preisliste für Kunde und Datum gefunden", "{code}: Lieferschein bereits fakturiert", "{code}: Rabattstaffel enthält überlappende Mengenbereiche", "{code}: Steuerland des Kunden fehlt"},
		causes:  []string{"Die Kreditlimitprüfung berücksichtigt offene Aufträge und offene Posten; der Kunde hat sein Limit durch einen Großauftrag erreicht.", "Die Preisliste ist nur bis Monatsende gültig, eine Folgeliste wurde nicht angelegt.", "Der Lieferschein wurde zweimal in eine Sammelrechnung übernommen, weil der Fakturalauf abgebrochen wurde.", "In der Rabattstaffel wurde ein Mengenbereich doppelt erfasst.", "Im Kundenstamm fehlt das Steuerland, das seit Version 8.0 Pflicht ist."},
		fixes:   []string{"Kreditlimit im Kundenstamm erhöhen oder den Auftrag durch die Debitorenbuchhaltung freigeben lassen.", "Neue Preisliste mit Gültigkeit ab Monatsbeginn anlegen.", "Doppelte Rechnung stornieren und den Fakturalauf mit der Option Wiederanlauf starten.", "Rabattstaffel bereinigen, sodass sich die Mengenbereiche nicht überschneiden.", "Steuerland im Kundenstamm pflegen und den Auftrag neu berechnen."},
		procs:   []string{"vk/auftrag_erf.p", "vk/faktura_lauf.p", "vk/preisfindung.p"}},
	{lang: "de", module: "LAG", product: "ERP+", codePrefix: "LAG", tags: []string{"lager", "bestand", "inventur"},
		objects: []string{"Inventurdifferenz", "Lagerplatzverwaltung", "Chargenverwaltung", "Seriennummer", "Umlagerung", "Kommissionierliste", "Mindestbestand", "Bestandsbewertung", "Lagerort", "Mindesthaltbarkeitsdatum", "Packliste", "Versandetikett"},
		actions: []string{"bei der Inventurzählung", "beim Kommissionieren", "bei der Umlagerung zwischen Lagerorten", "beim Buchen des Warenausgangs", "bei der Bestandsbewertung zum Stichtag"},
		errors:  []string{"{code}: Negativer Bestand auf Lagerplatz {n} nicht erlaubt", "{code}: Charge ist gesperrt (Qualitätsprüfung offen)", "{code}: Seriennummer bereits vergeben", "{code}: Lagerplatz ist durch eine Inventur gesperrt", "{code}: Mindesthaltbarkeitsdatum unterschritten"},
		causes:  []string{"Der Warenausgang wurde vor dem Wareneingang gebucht, sodass der Bestand kurzzeitig negativ würde.", "Die Charge steht noch in der Qualitätsprüfung und ist für Entnahmen gesperrt.", "Bei der Erfassung wurde eine bereits vergebene Seriennummer aus dem Retourenlager verwendet.", "Während der Inventur sind die Lagerplätze der Zählliste für Bewegungen gesperrt.", "Die Bewertung nach gleitendem Durchschnitt wurde nach einer Preisänderung nicht neu berechnet."},
		fixes:   []string{"Buchungsreihenfolge korrigieren: zuerst Wareneingang, dann Warenausgang buchen.", "Qualitätsprüfung abschließen und die Charge freigeben.", "Seriennummer im Seriennummernstamm prüfen und die Retoure korrekt zurückbuchen.", "Inventur abschließen oder die Zählliste stornieren, um die Lagerplätze freizugeben.", "Bestandsbewertung für den Stichtag neu laufen lassen."},
		procs:   []string{"lag/bestand_buch.p", "lag/inventur.p", "lag/kommission.p"}},
	{lang: "de", module: "PPS", product: "ERP+", codePrefix: "PPS", tags: []string{"produktion", "disposition", "mrp"},
		objects: []string{"Dispositionslauf", "Stückliste", "Arbeitsplan", "Fertigungsauftrag", "Kapazitätsplanung", "Rückmeldung", "Sicherheitsbestand", "Planauftrag", "Materialbedarfsplanung", "Betriebsdatenerfassung", "Nettobedarfsrechnung", "Feinplanung"},
		actions: []string{"beim nächtlichen Dispositionslauf", "beim Freigeben eines Fertigungsauftrags", "bei der Rückmeldung aus der Betriebsdatenerfassung", "bei der Kapazitätsplanung", "beim Auflösen der Stückliste"},
		errors:  []string{"{code}: Rekursive Stückliste erkannt (Artikel {n})", "{code}: Deadlock beim Sperren der Dispositionstabelle", "{code}: Arbeitsplan ohne gültigen Arbeitsplatz", "{code}: Rückmeldemenge größer als Auftragsmenge", "{code}: Planungshorizont überschritten"},
		causes:  []string{"Eine Baugruppe enthält sich selbst über eine Zwischenstufe, die Stücklistenauflösung bricht ab.", "Zwei Dispositionsläufe für überlappende Werke laufen gleichzeitig und sperren dieselben Sätze.", "Der Arbeitsplatz wurde deaktiviert, der Arbeitsplan verweist aber noch darauf.", "Die Betriebsdatenerfassung sendet Rückmeldungen doppelt, wenn die Verbindung abreißt.", "Der Planungshorizont im Werk ist kürzer als die Wiederbeschaffungszeit."},
		fixes:   []string{"Stückliste mit dem Prüfprogramm PPS_STL_CHECK auf Rekursion prüfen und die Zwischenstufe korrigieren.", "Dispositionsläufe im Jobplaner nacheinander statt parallel einplanen.", "Arbeitsplan auf einen aktiven Arbeitsplatz umhängen.", "Doppelte Rückmeldungen stornieren und die BDE-Schnittstelle auf Quittierung umstellen.", "Planungshorizont im Werksstamm verlängern."},
		procs:   []string{"pps/mrp_lauf.p", "pps/stl_aufloesung.p", "pps/bde_rueck.p"}},
	{lang: "de", module: "DRUCK", product: "ERP+", codePrefix: "PRT", tags: []string{"druck", "formular", "drucker"},
		objects: []string{"Druckerwarteschlange", "Formulardesigner", "Etikettendrucker", "Druckvorschau", "Seriendruck", "PDF-Archivierung", "Schriftart", "Druckertreiber", "Papierschacht", "Barcode"},
		actions: []string{"beim Drucken von Rechnungen", "beim Etikettendruck im Lager", "beim Erzeugen der PDF-Datei", "beim Seriendruck von Mahnungen", "in der Druckvorschau"},
		errors:  []string{"{code}: Drucker nicht erreichbar (Spooler-Fehler {n})", "{code}: Schriftart ist nicht eingebettet", "{code}: Formular enthält ungültiges Feld", "{code}: Druckauftrag hängt in der Warteschlange", "{code}: Barcode-Inhalt zu lang für Symbologie"},
		causes:  []string{"Der Windows-Spooler auf dem Druckserver ist nach einem Treiberupdate stehen geblieben.", "Die im Formular verwendete Schriftart ist auf dem AppServer nicht installiert.", "Im Formulardesigner wurde ein Feld umbenannt, das Formular verweist noch auf den alten Namen.", "Der Etikettendrucker erwartet ZPL, erhält aber PCL vom Treiber.", "Der Barcode-Typ Code 39 erlaubt weniger Zeichen als die Artikelnummer hat."},
		fixes:   []string{"Spooler-Dienst neu starten und hängende Aufträge aus der Druckerwarteschlange löschen.", "Schriftart auf allen AppServern installieren und im Formular einbetten.", "Formular im Formulardesigner öffnen, das Feld neu zuordnen und speichern.", "Druckertreiber auf den ZPL-Treiber des Herstellers umstellen.", "Barcode-Typ auf Code 128 umstellen."},
		procs:   []string{"druck/formular_out.p", "druck/spool.p", "druck/pdf_archiv.p"}},
	{lang: "de", module: "EDI", product: "ERP+ Connect", codePrefix: "EDI", tags: []string{"edi", "schnittstelle", "import"},
		objects: []string{"ORDERS-Nachricht", "INVOIC-Nachricht", "DESADV-Nachricht", "Partnerprofil", "Mapping-Tabelle", "GLN-Zuordnung", "XML-Schnittstelle", "REST-Schnittstelle", "Bankdatei", "Kontoauszugsimport", "DATEV-Export", "SEPA-Lastschrift"},
		actions: []string{"beim Import eingehender Nachrichten", "beim Versand an den Handelspartner", "beim Einlesen des Kontoauszugs", "beim Export an die Finanzbuchhaltung", "bei der Validierung gegen das Schema"},
		errors:  []string{"{code}: Unbekannte GLN {n} im Segment NAD", "{code}: Schema-Validierung fehlgeschlagen: Element nicht erwartet", "{code}: Doppelte Nachricht erkannt (Referenz {n})", "{code}: HTTP 401 Unauthorized – Token abgelaufen", "{code}: Feldlänge überschritten im Feld Belegfeld 1"},
		causes:  []string{"Der Handelspartner hat eine neue Lieferadresse mit eigener GLN angelegt, die im Partnerprofil fehlt.", "Die Bank liefert das Format in einer neueren Schemaversion, die das Mapping nicht kennt.", "Der Kontoauszug wurde zweimal abgeholt, weil der Abruf nach einem Timeout wiederholt wurde.", "Das Zugriffstoken der REST-Schnittstelle läuft nach 60 Minuten ab und wird nicht erneuert.", "Das Zielsystem erlaubt im Belegfeld höchstens 12 Zeichen."},
		fixes:   []string{"GLN im Partnerprofil ergänzen und die Nachricht im EDI-Monitor erneut verarbeiten.", "Mapping-Tabelle auf die neue Schemaversion aktualisieren.", "Doppelte Buchungen stornieren und die Dublettenprüfung im Import aktivieren.", "Token-Erneuerung in der Schnittstellenkonfiguration aktivieren.", "Belegnummernkreis kürzen oder das Feld im Export abschneiden lassen."},
		procs:   []string{"edi/in_orders.p", "edi/out_invoic.p", "edi/bank_import.p", "edi/rest_client.p"}},
	{lang: "de", module: "LIZ", product: "ERP+", codePrefix: "LIC", tags: []string{"lizenz", "anmeldung"},
		objects: []string{"Lizenzschlüssel", "Lizenzserver", "Benutzerlizenz", "Modullizenz", "Lizenzdatei", "Concurrent-User-Zählung"},
		actions: []string{"bei der Anmeldung", "nach dem Update", "beim Start des AppServers", "beim Öffnen eines Moduls"},
		errors:  []string{"{code}: Lizenz abgelaufen am {n}", "{code}: Maximale Anzahl gleichzeitiger Benutzer erreicht", "{code}: Lizenzschlüssel passt nicht zur Hardware-ID", "{code}: Modul ist nicht lizenziert", "{code}: Lizenzserver nicht erreichbar"},
		causes:  []string{"Die Jahreslizenz wurde verlängert, die neue Lizenzdatei aber nicht eingespielt.", "Abgebrochene Sitzungen belegen weiterhin Lizenzen, bis der Timeout greift.", "Nach dem Umzug auf eine neue virtuelle Maschine hat sich die Hardware-ID geändert.", "Das Modul wurde mit dem Update ausgeliefert, ist aber nicht im Lizenzumfang enthalten.", "Eine Firewall-Regel blockiert den Port des Lizenzservers."},
		fixes:   []string{"Neue Lizenzdatei im Verzeichnis license ablegen und den AppServer neu starten.", "Verwaiste Sitzungen in der Sitzungsverwaltung beenden.", "Neuen Lizenzschlüssel für die geänderte Hardware-ID beim Hersteller anfordern.", "Menüpunkt des nicht lizenzierten Moduls für die Benutzer ausblenden.", "Port 7400 in der Firewall zum Lizenzserver freigeben."},
		procs:   []string{"sys/license_check.p", "sys/login.p"}},
	{lang: "de", module: "SYS", product: "ERP+ AppServer", codePrefix: "AS", tags: []string{"appserver", "performance", "betrieb"},
		objects: []string{"AppServer-Broker", "Agentenpool", "Sitzungs-Timeout", "Speicherverbrauch", "Antwortzeit", "Hintergrundjob", "Jobplaner", "Protokolldatei", "Zertifikat", "Verbindungspool"},
		actions: []string{"unter Last am Monatsende", "nach dem Neustart des Servers", "beim Öffnen großer Listen", "bei vielen gleichzeitigen Benutzern", "beim nächtlichen Batchlauf"},
		errors:  []string{"{code}: Keine freien Agenten verfügbar (Broker-Timeout nach {n} s)", "{code}: Speicherlimit des Agenten überschritten", "{code}: SSL-Zertifikat abgelaufen", "{code}: Sitzung wegen Inaktivität beendet", "{code}: Protokolldatei nicht beschreibbar"},
		causes:  []string{"Die Anzahl der Agenten im Pool ist für die Benutzerzahl zu klein konfiguriert.", "Ein Bericht lädt alle Sätze in den Speicher, statt sie seitenweise zu lesen.", "Das Serverzertifikat wurde nicht rechtzeitig erneuert.", "Der Sitzungs-Timeout ist mit 15 Minuten zu knapp eingestellt.", "Die Partition mit den Protokolldateien ist vollgelaufen."},
		fixes:   []string{"maxAgents in der Broker-Konfiguration erhöhen und den Broker neu starten.", "Bericht auf seitenweises Lesen umstellen oder den Zeitraum einschränken.", "Zertifikat erneuern und im Keystore des AppServers hinterlegen.", "Sitzungs-Timeout auf 60 Minuten setzen.", "Alte Protokolldateien archivieren und die Logrotation einrichten."},
		procs:   []string{"sys/broker.p", "sys/agent_pool.p", "sys/jobplaner.p"}},
	{lang: "de", module: "DB", product: "ERP+ Datenbank", codePrefix: "DB", tags: []string{"datenbank", "performance"},
		objects: []string{"Datenbanksperre", "Transaktionsprotokoll", "Indexneuaufbau", "Datenbanksicherung", "Replikation", "Sperrtabelle", "Abfrageoptimierung", "Tabellenstatistik"},
		actions: []string{"während der Datensicherung", "bei langen Auswertungen", "nach dem Indexneuaufbau", "beim gleichzeitigen Buchen mehrerer Benutzer"},
		errors:  []string{"{code}: Sperrtabelle voll (Lock table overflow, -L {n})", "{code}: Transaktionsprotokoll hat die Maximalgröße erreicht", "{code}: Index beschädigt, Neuaufbau erforderlich", "{code}: Replikationsagent getrennt", "{code}: Zeitüberschreitung beim Warten auf Satzsperre"},
		causes:  []string{"Eine Massenänderung sperrt alle Sätze in einer einzigen Transaktion.", "Das Transaktionsprotokoll wird nicht abgeschnitten, weil die Sicherung fehlschlägt.", "Nach einem Stromausfall ist ein Index inkonsistent.", "Die Verbindung zum Replikationsziel ist wegen eines Netzwerkfehlers abgerissen.", "Veraltete Tabellenstatistiken führen zu einem ungünstigen Ausführungsplan."},
		fixes:   []string{"Parameter -L in der Datenbankkonfiguration erhöhen und Massenänderungen in kleinere Transaktionen teilen.", "Sicherung reparieren und danach das Protokoll abschneiden.", "Index mit idxbuild im Wartungsfenster neu aufbauen.", "Replikationsagent neu starten und die Synchronisation prüfen.", "Tabellenstatistiken aktualisieren."},
		procs:   []string{"db/lock_mgr.p", "db/backup.p"}},
	{lang: "de", module: "BER", product: "ERP+", codePrefix: "AUTH", tags: []string{"berechtigungen", "benutzer", "rollen"},
		objects: []string{"Rollenkonzept", "Berechtigungsprofil", "Benutzergruppe", "Passwortrichtlinie", "Single Sign-On", "Mandantenzugriff", "Feldberechtigung", "Vertretungsregel"},
		actions: []string{"bei der Anmeldung über Single Sign-On", "beim Zugriff auf einen anderen Mandanten", "nach einer Rollenänderung", "beim Öffnen der Personalstammdaten"},
		errors:  []string{"{code}: Keine Berechtigung für Funktion {n}", "{code}: Benutzer ist gesperrt (zu viele Fehlversuche)", "{code}: Kerberos-Ticket ungültig", "{code}: Passwort entspricht nicht der Richtlinie", "{code}: Zugriff auf Mandant verweigert"},
		causes:  []string{"Die Rolle wurde geändert, die Berechtigungen werden aber erst nach einer neuen Anmeldung geladen.", "Nach drei Fehlversuchen sperrt die Passwortrichtlinie den Benutzer.", "Die Uhrzeit des Clients weicht mehr als fünf Minuten vom Domänencontroller ab.", "Die Passwortrichtlinie verlangt seit dem Update Sonderzeichen.", "Der Benutzer ist nur für den Hauptmandanten berechtigt."},
		fixes:   []string{"Benutzer abmelden und neu anmelden lassen, damit die Rolle neu geladen wird.", "Benutzer in der Benutzerverwaltung entsperren und das Passwort zurücksetzen.", "Zeitsynchronisation des Clients mit dem Domänencontroller herstellen.", "Neues Passwort gemäß Richtlinie vergeben.", "Mandantenzugriff im Berechtigungsprofil ergänzen."},
		procs:   []string{"sys/auth.p", "sys/sso_login.p"}},
	{lang: "en", module: "GL", product: "ERP+", codePrefix: "GL", tags: []string{"general-ledger", "accounting", "closing"},
		objects: []string{"posting period", "currency revaluation", "bank reconciliation", "intercompany posting", "tax report", "year-end closing", "payment run", "dunning run"},
		actions: []string{"when posting vendor invoices", "during month-end closing", "when running the payment proposal", "while reconciling bank statements"},
		errors:  []string{"{code}: Posting period {n} is closed", "{code}: Exchange rate missing for currency GBP", "{code}: Debit and credit do not balance", "{code}: Tax code not allowed for account", "{code}: Duplicate bank statement detected"},
		causes:  []string{"The period was locked by the closing routine while documents were still pending.", "The nightly exchange rate import failed, so no rate exists for the key date.", "Rounding differences occur because taxes are calculated per document instead of per line.", "The bank delivered the same CAMT statement twice after a retry.", "The posting template references a tax code that is not assigned to the account."},
		fixes:   []string{"Reopen the period temporarily, post the document and close the period again.", "Enter the exchange rate manually or restart the rate import job.", "Switch the rounding rule to line level in the company settings.", "Reverse the duplicate statement and enable duplicate detection.", "Correct the tax code in the posting template."},
		procs:   []string{"gl/post.p", "gl/reval.p", "gl/bankrec.p"}},
	{lang: "en", module: "WMS", product: "ERP+ Warehouse", codePrefix: "WMS", tags: []string{"warehouse", "inventory", "shipping"},
		objects: []string{"pick list", "stock transfer", "cycle count", "batch tracking", "shipping label", "bin location", "serial number", "goods receipt"},
		actions: []string{"when confirming a pick", "during the cycle count", "when printing shipping labels", "while posting the goods receipt"},
		errors:  []string{"{code}: Negative stock not allowed in bin {n}", "{code}: Batch is blocked for quality inspection", "{code}: Serial number already exists", "{code}: Label printer not responding", "{code}: Handling unit not found"},
		causes:  []string{"The goods issue was posted before the goods receipt.", "Quality inspection for the batch is still open.", "A returned item reused an existing serial number.", "The label printer expects ZPL but receives PCL from the driver.", "The handling unit was deleted by a parallel transfer."},
		fixes:   []string{"Post the goods receipt first, then repeat the goods issue.", "Complete the inspection and release the batch.", "Check the serial number master and book the return correctly.", "Switch the printer driver to ZPL.", "Recreate the handling unit and repeat the transfer."},
		procs:   []string{"wms/pick.p", "wms/count.p", "wms/label.p"}},
	{lang: "en", module: "INT", product: "ERP+ Connect", codePrefix: "API", tags: []string{"interface", "api", "integration"},
		objects: []string{"REST gateway", "webhook", "OAuth token", "message queue", "EDI partner profile", "XML schema", "SFTP transfer", "API rate limit"},
		actions: []string{"when importing orders", "when sending invoices to the partner", "during the nightly sync", "when the shop calls the article endpoint"},
		errors:  []string{"{code}: HTTP 401 Unauthorized - token expired", "{code}: Gateway timeout after {n} ms", "{code}: Schema validation failed: unexpected element", "{code}: Rate limit exceeded (429)", "{code}: SFTP authentication failed"},
		causes:  []string{"The access token expires after one hour and is not refreshed.", "The article endpoint loads all price lists for every request.", "The partner switched to a newer schema version.", "The shop calls the API in a tight loop without backoff.", "The SSH key of the transfer user was rotated on the partner side."},
		fixes:   []string{"Enable token refresh in the interface configuration.", "Enable the price cache and restrict the query to active price lists.", "Update the mapping to the new schema version.", "Configure backoff and a request quota for the shop client.", "Exchange the new public key and update the known hosts entry."},
		procs:   []string{"int/rest_gw.p", "int/sftp_out.p"}},
}

// fillers are generic support sentences that pad generated bodies.
var fillers = map[string][]string{
	"de": {
		"Der Fehler tritt nur bei einzelnen Benutzern auf, andere Arbeitsplätze sind nicht betroffen.",
		"Ein Neustart des Clients behebt das Problem nicht.",
		"Bitte vor der Korrektur eine Datensicherung erstellen.",
		"Die Einstellung wirkt erst nach einer neuen Anmeldung.",
		"Der Kunde meldet das Problem seit dem letzten Update.",
		"Im Testmandanten lässt sich das Verhalten nachstellen.",
		"Weitere Details stehen im Protokoll des AppServers.",
		"Die Änderung muss von einem Teamleiter freigegeben werden.",
		"Betroffen sind alle Mandanten mit aktivierter Option.",
		"Nach der Korrektur den Vorgang erneut ausführen und das Ergebnis prüfen.",
	},
	"en": {
		"The error only affects some users; other workstations work fine.",
		"Restarting the client does not help.",
		"Create a backup before applying the fix.",
		"The setting takes effect after the next login.",
		"The customer reports the issue since the last update.",
		"The behaviour can be reproduced in the test company.",
		"More details are in the AppServer log.",
		"A team lead has to approve the change.",
	},
}

// users and hosts appear in generated log lines.
var (
	genUsers = []string{"mueller", "schmidt", "becker", "wagner", "hoffmann", "koch", "richter", "klein", "wolf", "neumann"}
	genHosts = []string{"erp-as01", "erp-as02", "erp-db01", "print01", "edi-gw01", "lic01"}
)

// Compound vocabulary: German ERP compounds (Kunden+stamm+liste) and
// English noun pairs make the articles of a large corpus distinguishable,
// as product-specific terms do in real documentation.
var (
	compoundHeads = []string{"Kunden", "Lieferanten", "Artikel", "Auftrags", "Rechnungs", "Lager", "Buchungs", "Preis", "Zahlungs", "Versand", "Druck", "Konten", "Beleg", "Bestell", "Fertigungs", "Material", "Mahn", "Steuer", "Kosten", "Waren", "Serien", "Chargen", "Prüf", "Kassen", "Fracht", "Mandanten", "Benutzer", "Schnittstellen", "Termin", "Projekt", "Vertrags", "Rabatt", "Provisions", "Inventur", "Touren", "Etiketten"}
	compoundTails = []string{"stamm", "liste", "nummer", "position", "sperre", "gruppe", "art", "datum", "kennzeichen", "vorlage", "protokoll", "lauf", "prüfung", "schlüssel", "tabelle", "maske", "übersicht", "journal", "historie", "statistik", "export", "import", "einstellung", "verwaltung", "kalender", "status", "bericht", "dialog", "filter", "kette", "regel", "zuordnung"}
	englishHeads  = []string{"customer", "vendor", "item", "order", "invoice", "stock", "posting", "price", "payment", "shipping", "print", "account", "document", "purchase", "production", "material", "dunning", "tax", "cost", "goods", "serial", "batch", "inspection", "cash", "freight", "company", "user", "interface", "schedule", "project", "contract", "discount"}
	englishTails  = []string{"master", "list", "number", "line", "lock", "group", "type", "date", "flag", "template", "log", "run", "check", "key", "table", "form", "overview", "journal", "history", "statistics", "export", "import", "setting", "manager", "calendar", "status", "report", "dialog", "filter", "chain", "rule", "mapping"}
	firmNames     = []string{"Müller", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann", "Schmid"}
	firmTrades    = []string{"Maschinenbau", "Elektrotechnik", "Logistik", "Haustechnik", "Metallbau", "Kunststofftechnik", "Lebensmittel", "Medizintechnik", "Antriebstechnik", "Verpackung", "Möbelwerke", "Baustoffe", "Feinmechanik", "Landtechnik", "Textil", "Druckerei"}
	firmForms     = []string{"GmbH", "GmbH & Co. KG", "AG", "KG", "e.K."}
)
