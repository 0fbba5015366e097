sed -i 's/^journeys *=.*/journeys = pack.ini/' pack.ini
