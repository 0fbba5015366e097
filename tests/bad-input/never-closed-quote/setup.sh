printf 'M9,Moving home,2026-07-01T09:00:00Z,Sales,C1,"Order placed,web,,,\nM9,Moving home,2026-07-02T09:00:00Z,Sales,C1,x,web,,achieved,\n' >>journeys.csv
