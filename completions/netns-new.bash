# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for netns-new(8)                         -*- shell-script -*-
#
# A delete (-D) and a create that accepts existing names (-p) want names
# that exist; a plain create wants a new one, which is the user's to
# choose.  Where names and options come from: podwire-common.bash.

. "$(dirname "${BASH_SOURCE[0]}")/podwire-common.bash" || return

_comp_cmd_netns_new()
{
    local cur prev words cword split
    _init_completion -s || return

    case $prev in
        --help | --version | -!(-*)[hV])
            return
            ;;
    esac

    local opt netns flags dashdash command_at
    local -a operands
    _comp_podwire__walk "$1"
    # netns-new has no option that takes a value.
    [[ $opt ]] && return

    if [[ ! $dashdash && $cur == -* ]]; then
        _comp_podwire__options "$1"
        return
    fi

    local f existing=""
    for f in -D --delete -p --exist-ok; do
        [[ $flags == *" $f "* ]] && existing=1
    done
    [[ $existing ]] || return

    # Every existing name not already on the line.
    local name typed=" ${words[*]:1:cword-1} "
    COMPREPLY=()
    while IFS= read -r name; do
        [[ $typed == *" $name "* ]] && continue
        [[ $name == "$cur"* ]] && COMPREPLY+=("$name")
    done < <(_comp_podwire__names 2>/dev/null)
} &&
    complete -F _comp_cmd_netns_new netns-new

# ex: filetype=sh
