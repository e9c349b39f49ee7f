# unit_syscalls.sh (sourced): the system calls a unit's SystemCallFilter= allows, its groups
# expanded by systemd-analyze, one per line, sorted. For tests that check what a program really
# calls (strace) against the units: syscall_filter_test.sh, usbguard_vm_test.sh.
#   unit_allowed_calls packaging/systemd/vmeste-kiosk.service > allowed

unit_expand_group() {
  systemd-analyze syscall-filter "$1" | sed -n '2,$p' | sed 's/^ *//; s/ *#.*//' | grep -v '^$' |
    while read -r x; do if [[ $x == @* ]]; then unit_expand_group "$x"; else echo "$x"; fi; done
}

unit_allowed_calls() {
  local filter g
  filter=$(sed -n 's/^SystemCallFilter=//p' "$1")
  [[ -n $filter ]] || { echo "$1 has no SystemCallFilter=" >&2; return 1; }
  for g in $filter; do
    if [[ $g == @* ]]; then unit_expand_group "$g"; else echo "$g"; fi
  done | sort -u
}

# The call names in strace -f -qq output files.
traced_calls() {
  sed -E -n 's/^[0-9]+ +([a-z_0-9]+)\(.*/\1/p' "$@" | sort -u
}
