# the outcome row comes first in time though last in the file: rows are ordered by time, so the
# case starts and ends at the outcome (0 days) and the later row still counts as a contact
# by hand: B1 (fixture) 0 days, 2 contacts, 1 hand-off; N1 0 days, 2 contacts, 0 hand-offs -> concluded 2, median 0, contacts 4, hand-offs 1
printf 'N1,Paying a bill,2026-07-10T09:00:00Z,Billing,C1,late row,web,,,\nN1,Paying a bill,2026-07-05T09:00:00Z,Billing,C1,settled,web,,achieved,\n' >>journeys.csv
