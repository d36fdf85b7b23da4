# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for netns-new(8)                         -*- shell-script -*-
#
# Options come from `netns-new --help`, never from a copy.  Namespace names
# come from /run/netns, where netns-new and `ip netns` keep them: it belongs
# to the mount namespace, so no -n of another program changes it.

# The named network namespaces, one per line.
_comp_cmd_netns_new__names()
{
    local f
    for f in /run/netns/*; do
        [[ -f $f ]] && printf '%s\n' "${f##*/}"
    done
}

_comp_cmd_netns_new()
{
    local cur prev words cword split
    _init_completion -s || return

    case $prev in
        --help | --version | -!(-*)[hV])
            return
            ;;
    esac
    # netns-new has no option that takes a value.
    $split && return

    # Is this a delete (-D) or a create that accepts existing names (-p)?
    # Both want names that exist; a plain create wants a new one.
    local i w existing="" dashdash=""
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if [[ $w == -- ]]; then
            dashdash=1
        elif [[ ! $dashdash && ($w == --delete || $w == --exist-ok ||
            $w == -[!-]*[Dp]* || $w == -[Dp]*) ]]; then
            existing=1
        fi
    done

    if [[ ! $dashdash && $cur == -* ]]; then
        COMPREPLY=($(compgen -W '$(_parse_help "$1" 2>/dev/null)' \
            -- "$cur"))
        return
    fi

    [[ $existing ]] || return

    # Every existing name not already on the line.
    local name typed=" ${words[*]:1:cword-1} "
    COMPREPLY=()
    while IFS= read -r name; do
        [[ $typed == *" $name "* ]] && continue
        [[ $name == "$cur"* ]] && COMPREPLY+=("$name")
    done < <(_comp_cmd_netns_new__names 2>/dev/null)
} &&
    complete -F _comp_cmd_netns_new netns-new

# ex: filetype=sh
