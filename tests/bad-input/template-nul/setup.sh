printf "# Pack\n\nab\000c\n" >t.md && sed -i "s|^template *=.*||; s|^\[pack\]|[pack]\ntemplate = t.md|" pack.ini
