# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for veth-prune(8)                        -*- shell-script -*-
#
# veth-prune takes no operands: only options complete.  -n/--netns takes a
# namespace, --older-than a duration (a few common ones are offered; any
# number with s, m, h or d will do), --max a number, the user's to choose.
# Where names and options come from: podwire-common.bash.

. "$(dirname "${BASH_SOURCE[0]}")/podwire-common.bash" || return

_comp_cmd_veth_prune()
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

    case $opt in
        -n | --netns)
            _comp_podwire__netns_value
            return
            ;;
        --older-than)
            COMPREPLY=($(compgen -W '30s 60s 10m 1h 1d' -- "$cur"))
            return
            ;;
        ?*)
            # --max and any other value: free text.
            return
            ;;
    esac

    if [[ ! $dashdash && $cur == -* ]]; then
        _comp_podwire__options "$1"
        return
    fi

    # No operands.
    return 0
} &&
    complete -F _comp_cmd_veth_prune veth-prune

# ex: filetype=sh
