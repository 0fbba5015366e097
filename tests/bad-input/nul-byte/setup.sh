printf 'M9,Moving home,2026-07-01T09:00:00Z,Sales,C1,Order\0placed,web,,,\n' >>journeys.csv
