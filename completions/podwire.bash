# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for podwire(8)                           -*- shell-script -*-
#
# The one-shot form, podwire [options] COMMAND [ARG...]: podwire's own
# options, then a command name (from `podwire help`, never a copy), then
# that command's words, completed by the program's own completion
# (_command_offset, as sudo's completion does).  The builtins use and
# help take a namespace and a command.  Where names and options come
# from: podwire-common.bash.

. "$(dirname "${BASH_SOURCE[0]}")/podwire-common.bash" || return

# The commands, one per line: the names `podwire help` lists.
_comp_cmd_podwire__commands()
{
    "$1" help 2>/dev/null | awk '/^  [a-z]/ { print $1 }'
}

_comp_cmd_podwire()
{
    local cur prev words cword split
    _init_completion -s || return

    # podwire's options end at the command (getopt's '+').
    local valued i
    valued=" $(_comp_podwire__valued "$1" 2>/dev/null | tr '\n' ' ') "
    for ((i = 1; i < cword; i++)); do
        if [[ $valued == *" ${words[i]} "* ]]; then
            ((i++))
            continue
        fi
        [[ ${words[i]} == -* ]] && continue
        case ${words[i]} in
            use)
                ((cword == i + 1)) && _comp_podwire__netns_value
                ;;
            help)
                ((cword == i + 1)) && COMPREPLY=($(compgen -W \
                    '$(_comp_cmd_podwire__commands "$1")' -- "$cur"))
                ;;
            ls | history | exit | quit) ;;
            *) _command_offset "$i" ;;
        esac
        return
    done

    case $prev in
        --help | --version | -!(-*)[hV] | -c | --command)
            return
            ;;
        -f | --file)
            _filedir
            return
            ;;
        -n | --netns)
            _comp_podwire__netns_value
            return
            ;;
    esac

    if [[ $cur == -* ]]; then
        _comp_podwire__options "$1"
        return
    fi
    COMPREPLY=($(compgen -W '$(_comp_cmd_podwire__commands "$1")' -- "$cur"))
} &&
    complete -F _comp_cmd_podwire podwire

# ex: filetype=sh
