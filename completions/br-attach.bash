# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for br-attach(8)                         -*- shell-script -*-
#
# The first operand is a bridge that exists; then, with -D, the bridge's
# ports, else the interfaces that could become one.  Bridge and interface
# names come from the namespace br-attach would act in (the -n/--netns
# already on the line).  Where names and options come from:
# podwire-common.bash.

. "$(dirname "${BASH_SOURCE[0]}")/podwire-common.bash" || return

_comp_cmd_br_attach()
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

    if [[ $opt ]]; then
        case $opt in
            -n | --netns) _comp_podwire__netns_value ;;
        esac
        # --gw, --mtu and any other value: free text.
        return
    fi

    if [[ ! $dashdash && $cur == -* ]]; then
        _comp_podwire__options "$1"
        return
    fi

    # The first operand is the bridge: the bridges that exist.
    if ((${#operands[@]} == 0)); then
        COMPREPLY=($(compgen -W \
            '$(_comp_podwire__links "$netns" type bridge)' -- "$cur"))
        return
    fi

    # Then the interfaces: with -D the bridge's ports, else every interface
    # that is not a bridge (nor lo, which cannot be a port), except those
    # already on the line.
    local bridge=${operands[0]} name typed=" ${operands[*]} "
    local -a names=() all=()
    if [[ $flags == *" -D "* || $flags == *" --delete "* ]]; then
        mapfile -t names < <(_comp_podwire__links "$netns" master "$bridge")
    else
        local bridges
        bridges=" $(_comp_podwire__links "$netns" type bridge |
            tr '\n' ' ') "
        mapfile -t all < <(_comp_podwire__links "$netns")
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
