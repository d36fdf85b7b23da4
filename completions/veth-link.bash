# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for veth-link(8)                         -*- shell-script -*-
#
# An endpoint is NETNS:IFNAME=ADDR: the namespace is completed, then the
# interfaces it has; a new interface name and the addresses are the
# user's to choose.  Where names and
# options come from: podwire-common.bash.

. "$(dirname "${BASH_SOURCE[0]}")/podwire-common.bash" || return

_comp_cmd_veth_link()
{
    local cur prev words cword split
    # Keep ':' and '=' inside words: an endpoint is NETNS:IFNAME=ADDR.
    _init_completion -s -n : || return

    case $prev in
        --help | --version | -!(-*)[hV])
            return
            ;;
    esac

    local opt netns flags dashdash command_at
    local -a operands
    _comp_podwire__walk "$1"

    if [[ $opt ]]; then
        case $opt in
            -n | --netns) _comp_podwire__netns_value ;;
        esac
        # --mtu, --ipam, --gw and any other value: free text.
        return
    fi

    if [[ ! $dashdash && $cur == -* ]]; then
        _comp_podwire__options "$1"
        return
    fi

    # A pair has two ends.  After NETNS: the interfaces that namespace has
    # (lo is never an end); a new name and the addresses are the user's.
    ((${#operands[@]} < 2)) || return
    [[ $cur == *=* ]] && return
    if [[ $cur == *:* ]]; then
        local ns=${cur%%:*} name
        COMPREPLY=()
        while IFS= read -r name; do
            [[ $name != lo && $ns:$name == "$cur"* ]] &&
                COMPREPLY+=("$ns:$name")
        done < <(_comp_podwire__links "$ns")
        __ltrim_colon_completions "$cur"
        return
    fi

    COMPREPLY=($(compgen -S : -W '$(_comp_podwire__names 2>/dev/null)' \
        -- "$cur"))
    ((${#COMPREPLY[@]})) && compopt -o nospace 2>/dev/null
    return 0
} &&
    complete -F _comp_cmd_veth_link veth-link

# ex: filetype=sh
