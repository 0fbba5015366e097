printf "# Pack\n\n{{> part}}\n" >t.md && mkfifo part.md && sed -i "s|^template *=.*||; s|^\[pack\]|[pack]\ntemplate = t.md|" pack.ini
