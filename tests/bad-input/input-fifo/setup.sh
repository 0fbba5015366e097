mkfifo j.csv && sed -i "s/^journeys *=.*/journeys = j.csv/" pack.ini
