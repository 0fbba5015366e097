# ISO 8601 years 0000 and 9999 are valid dates: the cases are kept (docs/robustness.md)
printf 'Y0,Moving home,0000-07-01T09:00:00Z,Sales,C1,x,web,,,\nY9,Moving home,9999-12-31T23:59:59Z,Sales,C1,x,web,,achieved,\n' >>journeys.csv
