# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for pod-inspect(8)                       -*- shell-script -*-
#
# The target is a namespace name or a path; --trace takes two, the first
# of which may be "host".  Process IDs for --pid come
# from /proc, as numbers only: pod-inspect takes a PID, not a name.  After
# --exec or --, the rest of the line is a command of its own, completed as
# bash completes commands (_command_offset, as sudo's completion does).
# Where names and options come from: podwire-common.bash.

. "$(dirname "${BASH_SOURCE[0]}")/podwire-common.bash" || return

# The process IDs in /proc, one per line.
_comp_cmd_pod_inspect__pids()
{
    local f
    for f in /proc/[1-9]*; do
        [[ -d $f && ${f##*/} != *[!0-9]* ]] && printf '%s\n' "${f##*/}"
    done
}

_comp_cmd_pod_inspect()
{
    local cur prev words cword split
    _init_completion -s || return

    local opt netns flags dashdash command_at
    local -a operands
    _comp_podwire__walk "$1" command

    # The command and its arguments, completed as that command's own.
    if [[ $command_at ]]; then
        _command_offset "$command_at"
        return
    fi

    case $prev in
        --help | --version | -!(-*)[hV])
            return
            ;;
    esac

    case $opt in
        -n | --netns)
            _comp_podwire__netns_value
            return
            ;;
        --pid)
            COMPREPLY=($(compgen -W \
                '$(_comp_cmd_pod_inspect__pids 2>/dev/null)' -- "$cur"))
            return
            ;;
        ?*)
            # --to and any other value: free text.
            return
            ;;
    esac

    if [[ $cur == -* ]]; then
        _comp_podwire__options "$1"
        return
    fi

    # --trace: a source (a namespace, or host; none after --pid), then a
    # destination (a namespace; an address is free text).
    if [[ $flags == *" --trace "* ]]; then
        local sources=1
        [[ $flags == *" --pid "* ]] && sources=0
        ((${#operands[@]} > sources)) && return
        _comp_podwire__netns_value
        ((${#operands[@]} < sources)) &&
            COMPREPLY+=($(compgen -W host -- "$cur"))
        return 0
    fi

    # One target: a namespace name or a path (or --pid); none for --tree
    # and --dot.
    local f
    ((${#operands[@]})) && return
    for f in --pid --tree --dot; do
        [[ $flags == *" $f "* ]] && return
    done
    _comp_podwire__netns_value
    return 0
} &&
    complete -F _comp_cmd_pod_inspect pod-inspect

# ex: filetype=sh
