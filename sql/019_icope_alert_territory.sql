-- ICOPE: an alert follows its file into the file's territory.
--
-- A change of address moved the file to another territory but left its
-- alerts not yet closed with the territory they were raised in: the old
-- territory's managers kept them in their queue (and could handle them)
-- while the file was closed to them, and the new territory's managers
-- never saw them.  The address change now moves them with the file
-- (fcgi/icope/icope_patient.c, alerts_follow); the alerts left behind
-- before that are moved here, each audited with its file.
INSERT INTO audit_log (at, user_id, ip, request_id, program, action,
	object_type, object_id, patient_id, outcome, detail)
SELECT UTC_TIMESTAMP(3), NULL, 'cli', '-', 'migrate', 'alert.territory',
	'alert', a.id, a.patient_id, 'ok',
	CONCAT('migration 019 : territoire ', COALESCE(a.territory_id, 'aucun'),
	' -> ', COALESCE(p.territory_id, 'aucun'))
FROM icope_alert a JOIN patient p ON p.id = a.patient_id
WHERE a.status IN ('open', 'unreachable', 'confirmed')
	AND NOT (a.territory_id <=> p.territory_id);

UPDATE icope_alert a JOIN patient p ON p.id = a.patient_id
SET a.territory_id = p.territory_id
WHERE a.status IN ('open', 'unreachable', 'confirmed')
	AND NOT (a.territory_id <=> p.territory_id);
