# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for nat-out(8)                           -*- shell-script -*-
#
# Options, and which of them take a value, come from `nat-out --help`,
# never from a copy.  Namespace names come from /run/netns, where netns-new
# and `ip netns` keep them.  Interface and bridge names for --out and
# --bridge come from the kernel of the namespace nat-out would act in (the
# -n/--netns already on the line), through `ip -j link show`: its JSON,
# never its listing for people, cut on the "ifname" members with awk (no
# jq needed).  A SUBNET is the user's to write.

# The named network namespaces, one per line.
_comp_cmd_nat_out__names()
{
    local f
    for f in /run/netns/*; do
        [[ -f $f ]] && printf '%s\n' "${f##*/}"
    done
}

# The options that take a value: the --help lines where a <placeholder>
# follows the option names, e.g. " -n, --netns <name>".
_comp_cmd_nat_out__valued()
{
    local line
    "$1" --help 2>/dev/null | while read -r line; do
        [[ $line =~ ^((-[[:alnum:]]),\ )?(--[[:alnum:]-]+)\ \< ]] ||
            continue
        [[ ${BASH_REMATCH[2]} ]] && printf '%s\n' "${BASH_REMATCH[2]}"
        printf '%s\n' "${BASH_REMATCH[3]}"
    done
}

# The names of the links `ip -j link show ARGS...` lists in namespace $1
# ("" for the current one), one per line.
_comp_cmd_nat_out__links()
{
    local ns=$1
    shift
    local ip=(ip)
    if [[ $ns == /* ]]; then
        ip=(nsenter "--net=$ns" -- ip)
    elif [[ $ns ]]; then
        ip=(ip -n "$ns")
    fi
    "${ip[@]}" -j link show "$@" 2>/dev/null |
        awk -v RS='"ifname":"' -F '"' 'NR > 1 { print $1 }'
}

_comp_cmd_nat_out()
{
    local cur prev words cword split
    _init_completion -s || return

    case $prev in
        --help | --version | -!(-*)[hV])
            return
            ;;
    esac

    local valued
    valued=" $(_comp_cmd_nat_out__valued "$1" 2>/dev/null |
        tr '\n' ' ') "

    # Walk the line: find the namespace of -n and whether the current word
    # is the value of an option (-n NAME, -jn NAME, --out IFNAME).
    local i j w opt="" netns="" dashdash=""
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if [[ $opt ]]; then
            [[ $opt == -n || $opt == --netns ]] && netns=$w
            opt=""
        elif [[ $dashdash || $w != -?* ]]; then
            continue
        elif [[ $w == -- ]]; then
            dashdash=1
        elif [[ $w == --* ]]; then
            [[ $w == --netns=* ]] && netns=${w#*=}
            [[ $w != *=* && $valued == *" $w "* ]] && opt=$w
        else
            # A bundle of short options; one that takes a value ends it.
            for ((j = 1; j < ${#w}; j++)); do
                if [[ $valued == *" -${w:j:1} "* ]]; then
                    ((j == ${#w} - 1)) && opt=-${w:j:1}
                    [[ ${w:j:1} == n ]] && netns=${w:j+1} # -nNAME
                    break
                fi
            done
        fi
    done
    # --out=IFNAME and the like, split by _init_completion -s.
    $split && opt=$prev

    case $opt in
        -n | --netns)
            # A name under /run/netns, or an absolute path such as
            # /proc/PID/ns/net.
            if [[ $cur == /* ]]; then
                _filedir
            else
                COMPREPLY=($(compgen -W \
                    '$(_comp_cmd_nat_out__names 2>/dev/null)' -- "$cur"))
            fi
            return
            ;;
        --out)
            COMPREPLY=($(compgen -W \
                '$(_comp_cmd_nat_out__links "$netns")' -- "$cur"))
            return
            ;;
        --bridge)
            COMPREPLY=($(compgen -W \
                '$(_comp_cmd_nat_out__links "$netns" type bridge)' \
                -- "$cur"))
            return
            ;;
        ?*)
            # Any other value: free text.
            return
            ;;
    esac

    if [[ ! $dashdash && $cur == -* ]]; then
        COMPREPLY=($(compgen -W '$(_parse_help "$1" 2>/dev/null)' \
            -- "$cur"))
        return
    fi

    # A SUBNET: free text.
    return 0
} &&
    complete -F _comp_cmd_nat_out nat-out

# ex: filetype=sh
