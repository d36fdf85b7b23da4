# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for pod-inspect(8)                       -*- shell-script -*-
#
# Options, and which of them take a value, come from `pod-inspect --help`,
# never from a copy.  Namespace names come from /run/netns, where netns-new
# and `ip netns` keep them: it belongs to the mount namespace, so a
# -n/--netns on the line does not change which names exist.  Process IDs
# for --pid come from /proc, as numbers only: pod-inspect takes a PID, not
# a name.  After --exec or --, the rest of the line is a command of its
# own, completed as bash completes commands (_command_offset, as sudo's
# completion does).

# The named network namespaces, one per line.
_comp_cmd_pod_inspect__names()
{
    local f
    for f in /run/netns/*; do
        [[ -f $f ]] && printf '%s\n' "${f##*/}"
    done
}

# The process IDs in /proc, one per line.
_comp_cmd_pod_inspect__pids()
{
    local f
    for f in /proc/[1-9]*; do
        [[ -d $f && ${f##*/} != *[!0-9]* ]] && printf '%s\n' "${f##*/}"
    done
}

# The options that take a value: the --help lines where a <placeholder>
# follows the option names, e.g. " -n, --netns <name>".
_comp_cmd_pod_inspect__valued()
{
    local line
    "$1" --help 2>/dev/null | while read -r line; do
        [[ $line =~ ^((-[[:alnum:]]),\ )?(--[[:alnum:]-]+)\ \< ]] ||
            continue
        [[ ${BASH_REMATCH[2]} ]] && printf '%s\n' "${BASH_REMATCH[2]}"
        printf '%s\n' "${BASH_REMATCH[3]}"
    done
}

_comp_cmd_pod_inspect()
{
    local cur prev words cword split
    _init_completion -s || return

    local valued
    valued=" $(_comp_cmd_pod_inspect__valued "$1" 2>/dev/null |
        tr '\n' ' ') "

    # Walk the line as pod-inspect does: the first --exec or -- that is
    # not an option's value starts the command; before it, find the
    # target, --pid, --tree/--dot, and whether the current word is the
    # value of an option (-n NAME, -jn NAME, --pid PID, --to ADDR).
    local i j w opt="" target="" drawing="" command_at=""
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if [[ $opt ]]; then
            [[ $opt == --pid ]] && target=$w
            opt=""
        elif [[ $w == --exec || $w == -- ]]; then
            command_at=$((i + 1))
            break
        elif [[ $w != -?* ]]; then
            target=$w
        elif [[ $w == --* ]]; then
            [[ $w == --pid=* ]] && target=${w#*=}
            [[ $w == --tree || $w == --dot ]] && drawing=1
            [[ $w != *=* && $valued == *" $w "* ]] && opt=$w
        else
            # A bundle of short options; one that takes a value ends it.
            for ((j = 1; j < ${#w}; j++)); do
                if [[ $valued == *" -${w:j:1} "* ]]; then
                    ((j == ${#w} - 1)) && opt=-${w:j:1}
                    break
                fi
            done
        fi
    done

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
    # --netns=NAME, --pid=PID, split by _init_completion -s.
    $split && opt=$prev

    case $opt in
        -n | --netns)
            # A name under /run/netns, or an absolute path such as
            # /proc/PID/ns/net.
            if [[ $cur == /* ]]; then
                _filedir
            else
                COMPREPLY=($(compgen -W \
                    '$(_comp_cmd_pod_inspect__names 2>/dev/null)' \
                    -- "$cur"))
            fi
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
        COMPREPLY=($(compgen -W '$(_parse_help "$1" 2>/dev/null)' \
            -- "$cur"))
        return
    fi

    # One target: a namespace name or a path; none for --tree and --dot.
    [[ $target || $drawing ]] && return
    if [[ $cur == /* ]]; then
        _filedir
    else
        COMPREPLY=($(compgen -W \
            '$(_comp_cmd_pod_inspect__names 2>/dev/null)' -- "$cur"))
    fi
    return 0
} &&
    complete -F _comp_cmd_pod_inspect pod-inspect

# ex: filetype=sh
