# the export was cut off in the middle of a record
head -c 700 "$BASE/journeys.csv" >journeys.csv
