mkdir logo.png && sed -i "s|^\[pack\]|[pack]\nlogo = logo.png|" pack.ini
