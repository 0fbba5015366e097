sed -i '0,/^goal = I want everything working/s//goal = I want everything w\xf6rking/' pack.ini
