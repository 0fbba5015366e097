sed -i 's/^journeys = journeys.csv/journeys = journ\xe9ys.csv/' pack.ini
