#!/usr/bin/env bash
# warm.sh SCHEMA: reads the schema's relation files into the page cache
dir="$(psql -At postgres://postgres@127.0.0.1:5432/test -c "SHOW data_directory")"
files=()
while read -r rel; do [ -n "$rel" ] && files+=("$dir/$rel" "$dir/$rel".[0-9]* "$dir/$rel"_*); done < <(psql -At postgres://postgres@127.0.0.1:5432/test -c "SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$1' AND pg_relation_filepath(c.oid) IS NOT NULL")
present=(); for f in "${files[@]}"; do [ -f "$f" ] && present+=("$f"); done
cat "${present[@]}" > /dev/null
