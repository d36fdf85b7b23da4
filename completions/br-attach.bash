# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for br-attach(8)                         -*- shell-script -*-
#
# Options, and which of them take a value, come from `br-attach --help`,
# never from a copy.  Namespace names come from /run/netns, where netns-new
# and `ip netns` keep them.  Bridge and interface names come from the
# kernel of the namespace br-attach would act in (the -n/--netns already
# on the line), through `ip -j link show`: its JSON, never its listing for
# people, cut on the "ifname" members with awk (no jq needed).
# /sys/class/net is no source: it shows the namespace that mounted /sys,
# which need not be the current one.

# The named network namespaces, one per line.
_comp_cmd_br_attach__names()
{
    local f
    for f in /run/netns/*; do
        [[ -f $f ]] && printf '%s\n' "${f##*/}"
    done
}

# The options that take a value: the --help lines where a <placeholder>
# follows the option names, e.g. " -n, --netns <name>".
_comp_cmd_br_attach__valued()
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
_comp_cmd_br_attach__links()
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

_comp_cmd_br_attach()
{
    local cur prev words cword split
    _init_completion -s || return

    case $prev in
        --help | --version | -!(-*)[hV])
            return
            ;;
    esac

    local valued
    valued=" $(_comp_cmd_br_attach__valued "$1" 2>/dev/null |
        tr '\n' ' ') "

    # Walk the line: collect the operands typed so far, whether this is a
    # delete, the namespace of -n, and whether the current word is the
    # value of an option (-n NAME, -jn NAME, --gw ADDR).
    local i j w opt="" netns="" delete="" dashdash=""
    local -a operands=()
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if [[ $opt ]]; then
            [[ $opt == -n || $opt == --netns ]] && netns=$w
            opt=""
        elif [[ $dashdash || $w != -?* ]]; then
            operands+=("$w")
        elif [[ $w == -- ]]; then
            dashdash=1
        elif [[ $w == --* ]]; then
            [[ $w == --delete ]] && delete=1
            [[ $w == --netns=* ]] && netns=${w#*=}
            [[ $w != *=* && $valued == *" $w "* ]] && opt=$w
        else
            # A bundle of short options; one that takes a value ends it.
            for ((j = 1; j < ${#w}; j++)); do
                [[ ${w:j:1} == D ]] && delete=1
                if [[ $valued == *" -${w:j:1} "* ]]; then
                    ((j == ${#w} - 1)) && opt=-${w:j:1}
                    [[ ${w:j:1} == n ]] && netns=${w:j+1} # -nNAME
                    break
                fi
            done
        fi
    done
    # --netns=NAME, split by _init_completion -s.
    $split && opt=$prev

    if [[ $opt ]]; then
        case $opt in
            -n | --netns)
                # A name under /run/netns, or an absolute path such as
                # /proc/PID/ns/net.
                if [[ $cur == /* ]]; then
                    _filedir
                else
                    COMPREPLY=($(compgen -W \
                        '$(_comp_cmd_br_attach__names 2>/dev/null)' \
                        -- "$cur"))
                fi
                ;;
        esac
        # --gw, --mtu and any other value: free text.
        return
    fi

    if [[ ! $dashdash && $cur == -* ]]; then
        COMPREPLY=($(compgen -W '$(_parse_help "$1" 2>/dev/null)' \
            -- "$cur"))
        return
    fi

    # The first operand is the bridge: the bridges that exist.
    if ((${#operands[@]} == 0)); then
        COMPREPLY=($(compgen -W \
            '$(_comp_cmd_br_attach__links "$netns" type bridge)' \
            -- "$cur"))
        return
    fi

    # Then the interfaces: with -D the bridge's ports, else every interface
    # that is not a bridge (nor lo, which cannot be a port), except those
    # already on the line.
    local bridge=${operands[0]} name typed=" ${operands[*]} "
    local -a names=() all=()
    if [[ $delete ]]; then
        mapfile -t names < <(_comp_cmd_br_attach__links "$netns" \
            master "$bridge")
    else
        local bridges
        bridges=" $(_comp_cmd_br_attach__links "$netns" type bridge |
            tr '\n' ' ') "
        mapfile -t all < <(_comp_cmd_br_attach__links "$netns")
        for name in "${all[@]}"; do
            [[ $name == lo || $bridges == *" $name "* ]] ||
                names+=("$name")
        done
    fi
    COMPREPLY=()
    for name in "${names[@]}"; do
        [[ $typed == *" $name "* ]] && continue
        [[ $name == "$cur"* ]] && COMPREPLY+=("$name")
    done
    return 0
} &&
    complete -F _comp_cmd_br_attach br-attach

# ex: filetype=sh
